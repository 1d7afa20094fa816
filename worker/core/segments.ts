/**
 * A rules document compiled for evaluation: every segment, plus one anonymous segment per slot
 * rule whose `show` is an inline condition, so "what holds for this visitor" is one set of
 * names whether the answer is computed in the Profile Durable Object or, for a visitor with
 * no history, at the edge. Pure.
 */
import { exposuresOf, type KnownRules } from "./known-rules";
import { goalIndex, type CompiledGoal } from "./arms";
import { PRIOR_MODEL, type IntentModel } from "./intent/model";
import type { Condition, RulesDocument, SlotRule } from "../rules/schema";
import { allOf, compileCondition, compileSchedule, type CompiledCondition, type EvalState } from "./conditions";
import { compileTemplate, type Template } from "./template";
import { localClock } from "./clock";
import { acquisitionOf, type Acquisition } from "./context";
import { DEFAULT_RFM, scoresOf, type RfmThresholds, type Scores } from "./scores";

export const rfmThresholds = (rules: CompiledRules): RfmThresholds => ({ ...DEFAULT_RFM, ...rules.document.scores?.rfm });
import type { ProfileView, VisitContext } from "./profile";

export interface CompiledSlotRule {
  readonly rule: SlotRule;
  /**
   * Name of the segment that must hold: the rule's `show` segment, or — when the rule has an
   * inline condition, a schedule or a frequency cap — its anonymous eligibility segment.
   */
  readonly segment: string;
  /** Compiled HTML templates by variant id ("default" for a rule's own `html`). */
  readonly templates: ReadonlyMap<string, Template>;
}

export interface CompiledRules {
  readonly version: string;
  readonly document: RulesDocument;
  readonly segments: ReadonlyMap<string, CompiledCondition>;
  /** Slot rules, highest priority first (document order breaks ties). */
  readonly slots: ReadonlyMap<string, readonly CompiledSlotRule[]>;
  /** False when no condition reads event history: the edge can decide without the profile. */
  readonly usesHistory: boolean;
  /** Rule and variant ids an impression or click may name (the store adds recent rules). */
  readonly known: KnownRules;
  /** What counts as a conversion for a rule (`trigger:<id>` for triggers): its goal or the default. */
  readonly goalOf: (rule: string) => CompiledGoal;
  /** Rules whose exposure decisions need the snapshot refreshed (they have a frequency cap). */
  readonly capped: ReadonlySet<string>;
  /** A draft evaluated in shadow mode beside these rules (rules/store.ts), if any. */
  readonly shadow?: CompiledRules;
  /** The purchase-intent model in use: the shop's fitted one (KV), or the priors. */
  readonly intent: IntentModel;
}

export interface SegmentResult {
  held: Set<string>;
  /** Earliest instant any segment could change with no new event (Infinity: never). */
  nextChange: number;
}

/** Anonymous eligibility segment of a slot rule. Not a valid user segment name. */
export const inlineSegmentName = (slot: string, ruleId: string) => `@${slot}/${ruleId}`;

/** The frequency cap as a condition: fewer than `perDay` impressions of the rule in 24 hours. */
export const frequencyCapCondition = (ruleId: string, perDay: number): Condition => ({
  count: { event: "impression", where: { rule: ruleId }, within: "24h" },
  atMost: perDay - 1,
});

export function compileRules(document: RulesDocument, version: string): CompiledRules {
  const segments = new Map<string, CompiledCondition>();
  let usesHistory = false;
  const add = (name: string, when: Condition, extra: CompiledCondition[] = []) => {
    segments.set(name, extra.length ? allOf([compileCondition(when), ...extra]) : compileCondition(when));
    usesHistory ||= readsHistory(when);
  };
  for (const [name, segment] of Object.entries(document.segments)) add(name, segment.when);

  const slots = new Map<string, CompiledSlotRule[]>();
  for (const [slot, rules] of Object.entries(document.slots)) {
    const compiled = rules.map((rule): CompiledSlotRule => {
      const templates = new Map<string, Template>(
        rule.variants ? rule.variants.map((v) => [v.id, compileTemplate(v.html)]) : [["default", compileTemplate(rule.html ?? "")]],
      );
      if (typeof rule.show === "string" && !rule.schedule && !rule.frequencyCap) return { rule, segment: rule.show, templates };
      const segment = inlineSegmentName(slot, rule.id);
      const show: Condition = typeof rule.show === "string" ? { segment: rule.show } : rule.show;
      const extra: CompiledCondition[] = [];
      if (rule.schedule) extra.push(compileSchedule(rule.schedule));
      if (rule.frequencyCap) {
        extra.push(compileCondition(frequencyCapCondition(rule.id, rule.frequencyCap.perDay)));
        usesHistory = true;
      }
      add(segment, show, extra);
      return { rule, segment, templates };
    });
    // Array.prototype.sort is stable, so equal priorities keep document order.
    compiled.sort((a, b) => (b.rule.priority ?? 0) - (a.rule.priority ?? 0));
    slots.set(slot, compiled);
  }
  const capped = new Set(Object.values(document.slots).flatMap((rules) => rules.filter((r) => r.frequencyCap).map((r) => r.id)));
  return { version, document, segments, slots, usesHistory, known: exposuresOf(document), goalOf: goalIndex(document), capped, intent: PRIOR_MODEL };
}

/** Which segments hold for `profile` at `now`, and when that could next change. */
export function evaluateSegments(
  rules: CompiledRules,
  profile: ProfileView,
  now: number,
  context: VisitContext,
): SegmentResult {
  const state = evaluationState(rules, profile, now, context);
  const held = new Set<string>();
  let nextChange = Number.POSITIVE_INFINITY;
  for (const [name, condition] of rules.segments) {
    if (state.segment(name)) held.add(name);
    nextChange = Math.min(nextChange, condition.nextChange(state));
  }
  return { held, nextChange };
}

/** What conditions are evaluated against, with segment references memoised. */
export function evaluationState(rules: CompiledRules, profile: ProfileView, now: number, context: VisitContext): EvalState {
  const memo = new Map<string, boolean>();
  let acquisition: Acquisition | undefined;
  let scores: Scores | undefined;
  const state: EvalState = {
    profile,
    now,
    clock: localClock(now, context.timezone),
    context,
    acquisition: () => (acquisition ??= acquisitionOf(profile, context.host)),
    scores: () => (scores ??= scoresFor(rules, profile, now)),
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
  return state;
}

function readsHistory(c: Condition): boolean {
  if ("all" in c) return c.all.some(readsHistory);
  if ("any" in c) return c.any.some(readsHistory);
  if ("not" in c) return readsHistory(c.not);
  // Segment references are judged by the referenced segment, compiled on its own. Country,
  // device and browser come with the request; referrer and UTM tags may need the landing page.
  if ("context" in c) return Object.keys(c.context).some((k) => !["country", "device", "browser"].includes(k));
  return !("localTime" in c || "days" in c || "segment" in c);
}

/** The built-in scores under these rules: their RFM thresholds and intent model. */
export function scoresFor(rules: CompiledRules, profile: ProfileView, now: number): Scores {
  return scoresOf(profile, profile.lifetime, now, rfmThresholds(rules), rules.intent);
}
