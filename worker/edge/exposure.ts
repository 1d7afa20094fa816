/**
 * Exposure at the edge: after a page went out, the visitor's Profile object hears which arm
 * each slot on the page showed (holdout included), so results never depend on the page's
 * script running, bots never count and impressions name only rules that exist. Only for a
 * known visitor (signed cookie) who allows storage; never in the page's way (waitUntil).
 * With a draft in shadow mode, every page of a known visitor reports its slots for it too.
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

export const exposuresAtEdge = (env: Settings) => env.EXPOSURES !== "browser";

export function exposureRecorder(env: Settings, ctx: ExecutionContext, request: Request, visitor: Visitor, decision: Decision | undefined, now: number): SlotObserver | undefined {
  if (!decision || !exposuresAtEdge(env) || visitor.isNew || !visitor.mayStore) return undefined;
  const shadow = decision.shadowVersion;
  if (!decision.slots.size && !shadow) return undefined;
  const slots: string[] = [];
  const exposures: Shown[] = [];
  return {
    slot(name, shown) {
      if (slots.length >= MAX_SLOTS || slots.includes(name)) return;
      slots.push(name);
      const d = decision.slots.get(name);
      if (d && shown) exposures.push({ slot: name, rule: d.rule, variant: d.variant });
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
