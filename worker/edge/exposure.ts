/**
 * Exposure at the edge: after a page went out, the visitor's Profile object hears which arm
 * each slot on the page showed (holdout included), so results never depend on the page's
 * script running, bots never count and impressions name only rules that exist. Only for a
 * known visitor (signed cookie) who allows storage; never in the page's way (waitUntil).
 * With a draft in shadow mode, every page of a known visitor reports its slots for it too.
 *
 * An arm is recorded once per visitor per UTC day (remembered in this isolate): results need
 * a visitor's first exposure and one exposure a day to open the goal's window, not a Durable
 * Object write per page — which, measured, cost more than half the page path's throughput.
 * A rule with a frequency cap is recorded on every page: the cap counts them.
 */
import type { Decision } from "./decide";
import { profileOf } from "./decide";
import { currentRules } from "../rules/store";
import { visitContext } from "../http/context";
import type { ExposureInput } from "../profile/exposure";
import type { Shown } from "../core/shadow";
import type { Visitor } from "../http/visitor";
import type { Settings } from "../settings";

/** Told about the slots of a page as it streams (edge/rewrite.ts). */
export interface SlotObserver {
  /** A slot element, and whether it now shows its decision. */
  slot(name: string, shown: boolean): void;
  /** The page has been parsed. */
  end(): void;
}

const MAX_SLOTS = 50;
const MAX_REMEMBERED = 20_000;
/** "<visitor>\0<rule>\0<variant>\0<day>" recorded from this isolate. Bounded. */
const recorded = new Set<string>();

const keyOf = (visitorId: string, shown: { rule: string; variant: string }, now: number) =>
  `${visitorId}\u0000${shown.rule}\u0000${shown.variant}\u0000${Math.floor(now / 86_400_000)}`;

/** Whether this arm still needs recording today; remembers that it is being recorded. */
function firstToday(visitorId: string, shown: Shown, now: number): boolean {
  const key = keyOf(visitorId, shown, now);
  if (recorded.has(key)) return false;
  if (recorded.size >= MAX_REMEMBERED) recorded.clear();
  recorded.add(key);
  return true;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The UTC day on which every arm of a decision was found recorded (none capped): a snapshot's
 * decision is one object for all its pages (edge/decide.ts), so the rest of that day's pages
 * skip building the keys. Weak: it goes with the decision.
 */
const settledOn = new WeakMap<Decision, number>();

export const exposuresAtEdge = (env: Settings) => env.EXPOSURES !== "browser";

export function exposureRecorder(env: Settings, ctx: ExecutionContext, request: Request, visitor: Visitor, decision: Decision | undefined, now: number): SlotObserver | undefined {
  if (!decision || !exposuresAtEdge(env) || visitor.isNew || !visitor.mayStore) return undefined;
  const shadow = decision.shadowVersion;
  const capped = decision.cappedRules ?? NONE;
  // Most pages show arms already recorded today: they get no observer at all, and the page
  // path stays what it was without exposures.
  const day = Math.floor(now / 86_400_000);
  if (!shadow && settledOn.get(decision) === day) return undefined;
  let due = false;
  for (const d of decision.slots.values()) due ||= capped.has(d.rule) || !recorded.has(keyOf(visitor.id, d, now));
  if (!due && !shadow) {
    // Only a snapshot's decision serves more than one page.
    if (decision.source === "snapshot") settledOn.set(decision, day);
    return undefined;
  }
  const slots: string[] = [];
  const exposures: Shown[] = [];
  return {
    slot(name, shown) {
      if (slots.length >= MAX_SLOTS || slots.includes(name)) return;
      slots.push(name);
      const d = decision.slots.get(name);
      if (!d || !shown) return;
      const arm = { slot: name, rule: d.rule, variant: d.variant };
      if (capped.has(d.rule) || firstToday(visitor.id, arm, now)) exposures.push(arm);
    },
    end() {
      if (!exposures.length && !(shadow && slots.length)) return;
      const record = async () => {
        const input: ExposureInput = { id: crypto.randomUUID(), at: now, exposures };
        if (shadow) input.shadow = { version: shadow, slots, context: visitContext(request, await currentRules(env, now), env.DEFAULT_TIMEZONE) };
        await profileOf(env, visitor.id).expose(input);
      };
      ctx.waitUntil(record().catch((error: unknown) => console.warn("rujai: exposure not recorded:", error)));
    },
  };
}
