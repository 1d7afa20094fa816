/**
 * A rules document compiled for evaluation: every segment, plus one anonymous segment per slot
 * rule whose `show` is an inline condition, so "what holds for this visitor" is one set of
 * names whether the answer is computed in the Profile Durable Object or, for a visitor with
 * no history, at the edge. Pure.
 */
import type { Condition, RulesDocument, SlotRule } from "../rules/schema";
import { compileCondition, type CompiledCondition, type EvalState } from "./conditions";
import { localClock } from "./clock";
import type { ProfileView, VisitContext } from "./profile";

export interface CompiledSlotRule {
  readonly rule: SlotRule;
  /** Name of the segment that must hold: the rule's `show`, or its anonymous segment. */
  readonly segment: string;
}

export interface CompiledRules {
  readonly version: string;
  readonly document: RulesDocument;
  readonly segments: ReadonlyMap<string, CompiledCondition>;
  /** Slot rules, highest priority first (document order breaks ties). */
  readonly slots: ReadonlyMap<string, readonly CompiledSlotRule[]>;
  /** False when no condition reads event history: the edge can decide without the profile. */
  readonly usesHistory: boolean;
}

export interface SegmentResult {
  held: Set<string>;
  /** Earliest instant any segment could change with no new event (Infinity: never). */
  nextChange: number;
}

/** Anonymous segment behind an inline `show` condition. Not a valid user segment name. */
export const inlineSegmentName = (slot: string, ruleId: string) => `@${slot}/${ruleId}`;

export function compileRules(document: RulesDocument, version: string): CompiledRules {
  const segments = new Map<string, CompiledCondition>();
  let usesHistory = false;
  const add = (name: string, when: Condition) => {
    segments.set(name, compileCondition(when));
    usesHistory ||= readsHistory(when);
  };
  for (const [name, segment] of Object.entries(document.segments)) add(name, segment.when);

  const slots = new Map<string, CompiledSlotRule[]>();
  for (const [slot, rules] of Object.entries(document.slots)) {
    const compiled = rules.map((rule) => {
      if (typeof rule.show === "string") return { rule, segment: rule.show };
      const segment = inlineSegmentName(slot, rule.id);
      add(segment, rule.show);
      return { rule, segment };
    });
    // Array.prototype.sort is stable, so equal priorities keep document order.
    compiled.sort((a, b) => (b.rule.priority ?? 0) - (a.rule.priority ?? 0));
    slots.set(slot, compiled);
  }
  return { version, document, segments, slots, usesHistory };
}

/** Which segments hold for `profile` at `now`, and when that could next change. */
export function evaluateSegments(
  rules: CompiledRules,
  profile: ProfileView,
  now: number,
  context: VisitContext,
): SegmentResult {
  const memo = new Map<string, boolean>();
  const state: EvalState = {
    profile,
    now,
    clock: localClock(now, context.timezone),
    context,
    segment(name) {
      let held = memo.get(name);
      if (held === undefined) {
        // Cycles are refused when the document is validated; unknown names never hold.
        memo.set(name, false);
        held = rules.segments.get(name)?.holds(state) ?? false;
        memo.set(name, held);
      }
      return held;
    },
    segmentNextChange(name) {
      return rules.segments.get(name)?.nextChange(state) ?? Number.POSITIVE_INFINITY;
    },
  };
  const held = new Set<string>();
  let nextChange = Number.POSITIVE_INFINITY;
  for (const [name, condition] of rules.segments) {
    if (state.segment(name)) held.add(name);
    nextChange = Math.min(nextChange, condition.nextChange(state));
  }
  return { held, nextChange };
}

function readsHistory(c: Condition): boolean {
  if ("all" in c) return c.all.some(readsHistory);
  if ("any" in c) return c.any.some(readsHistory);
  if ("not" in c) return readsHistory(c.not);
  // Segment references are judged by the referenced segment, compiled on its own.
  return !("localTime" in c || "days" in c || "segment" in c);
}
