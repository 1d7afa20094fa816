/**
 * Shadow mode: what a draft rules document would do on a live page, without rendering it.
 * For one visitor's page: the draft's segments that hold, the arm each slot on the page would
 * show, and — where that differs from what the live rules showed — which live rule it would
 * take the slot from. Counted as keys (the Stats shards add them up). Pure.
 */
import { evaluateSegments, type CompiledRules } from "./segments";
import { selectSlots } from "./select";
import type { ProfileView, VisitContext } from "./profile";

export interface Shown {
  slot: string;
  rule: string;
  variant: string;
}

export interface ShadowRow {
  key: string;
  /** Distinct visitors (each counted once per draft and key). */
  visitors: number;
  /** Pages. */
  impressions: number;
}

/** Shown when no rule wins a slot: the page's default content. */
export const DEFAULT_CONTENT = "(default)";

/**
 * The keys one page view counts: `segment:<name>`, `win:<slot>/<rule>/<variant>` and
 * `take:<slot>/<live rule>><draft rule>` (either side may be the default content).
 */
export function shadowKeys(
  draft: CompiledRules,
  profile: ProfileView,
  now: number,
  context: VisitContext,
  visitorId: string,
  pageSlots: readonly string[],
  live: readonly Shown[],
): string[] {
  const { held } = evaluateSegments(draft, profile, now, context);
  const keys = [...held].filter((name) => !name.startsWith("@")).map((name) => `segment:${name}`);
  const wins = selectSlots(draft, held, visitorId, pageSlots);
  const liveBySlot = new Map(live.map((s) => [s.slot, s.rule]));
  for (const slot of pageSlots) {
    const win = wins.get(slot);
    if (win) keys.push(`win:${slot}/${win.rule}/${win.variant}`);
    const from = liveBySlot.get(slot) ?? DEFAULT_CONTENT;
    const to = win?.rule ?? DEFAULT_CONTENT;
    if (from !== to) keys.push(`take:${slot}/${from}>${to}`);
  }
  return keys;
}
