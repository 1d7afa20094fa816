/**
 * Preview: what each slot would show a given profile at a given time, and why — which
 * segments hold (with what was measured), and for every rule whether it won or lost, on
 * priority, segment, schedule, frequency cap or holdout. Pure; the admin API supplies the
 * profile (a real visitor's or a hand-written one).
 */
import { compileCondition, compileSchedule, type EvalState, type Explanation } from "./conditions";
import { describeCondition, describeRule, describeSchedule } from "./describe";
import type { SlotRule } from "../rules/schema";
import { clockText } from "./clock";
import type { Scores } from "./scores";
import type { ProfileView, VisitContext } from "./profile";
import { evaluationState, frequencyCapCondition, type CompiledRules } from "./segments";
import { HOLDOUT, renderSlot, selectSlots } from "./select";
import type { TemplateVars } from "./template";
import { previewTriggers, type TriggerPreview } from "./trigger-preview";

export interface SegmentPreview {
  name: string;
  label?: string;
  summary: string;
  holds: boolean;
  explanation: Explanation;
}

export interface RulePreview {
  rule: string;
  priority: number;
  summary: string;
  outcome: "shown" | "holdout" | "lost on priority" | "not eligible";
  reasons: string[];
}

export interface SlotPreview {
  slot: string;
  shown: { rule: string; variant: string; html: string | null } | null;
  rules: RulePreview[];
}

export interface Preview {
  /** Built-in scores with the factors behind them. */
  scores: Scores;
  at: string;
  localDate: string;
  localTime: string;
  timezone: string;
  segments: SegmentPreview[];
  slots: SlotPreview[];
  /** What each trigger would do for this visitor, and when. */
  triggers: TriggerPreview[];
}

export function preview(
  rules: CompiledRules,
  profile: ProfileView,
  now: number,
  context: VisitContext,
  visitorId: string,
  vars: TemplateVars,
): Preview {
  const state = evaluationState(rules, profile, now, context);
  const held = new Set([...rules.segments.keys()].filter((name) => state.segment(name)));
  const decisions = selectSlots(rules, held, visitorId);

  const segments = Object.entries(rules.document.segments).map(([name, segment]) => ({
    name,
    ...(segment.label ? { label: segment.label } : {}),
    summary: describeCondition(segment.when),
    holds: held.has(name),
    explanation: rules.segments.get(name)!.explain(state),
  }));

  const slots = [...rules.slots].map(([slot, candidates]): SlotPreview => {
    const decision = decisions.get(slot);
    const winner = decision?.rule;
    return {
      slot,
      shown: decision ? { rule: decision.rule, variant: decision.variant, html: renderSlot(decision, vars) } : null,
      rules: candidates.map(({ rule, segment }) => {
        const base = { rule: rule.id, priority: rule.priority ?? 0, summary: describeRule(rule) };
        if (rule.id === winner) {
          return decision!.variant === HOLDOUT
            ? { ...base, outcome: "holdout", reasons: [`this visitor is in the ${Math.round((rule.holdout ?? 0) * 100)}% holdout: the default content shows, to measure uplift`] }
            : { ...base, outcome: "shown", reasons: [`variant "${decision!.variant}"`] };
        }
        if (held.has(segment)) return { ...base, outcome: "lost on priority", reasons: [`"${winner}" has a higher priority or comes first`] };
        return { ...base, outcome: "not eligible", reasons: whyNot(rule, state) };
      }),
    };
  });

  const triggers = previewTriggers(rules.document.triggers ?? [], profile, held, now, context.timezone, visitorId, (t) => (t.unless ? compileCondition(t.unless).holds(state) : false), rules.document.messageCap?.perDay);
  return { scores: state.scores(), at: new Date(now).toISOString(), localDate: state.clock.date, localTime: clockText(state.clock.minute), timezone: context.timezone, segments, slots, triggers };
}

function whyNot(rule: SlotRule, state: EvalState): string[] {
  const reasons: string[] = [];
  const show = typeof rule.show === "string" ? { segment: rule.show } : rule.show;
  const shown = compileCondition(show);
  if (!shown.holds(state)) reasons.push(typeof rule.show === "string" ? `segment "${rule.show}" does not hold` : `condition does not hold: ${shown.explain(state).text}`);
  if (rule.schedule && !compileSchedule(rule.schedule).holds(state)) {
    reasons.push(`outside its schedule (${describeSchedule(rule.schedule)}; it is ${state.clock.date} ${clockText(state.clock.minute)} there)`);
  }
  if (rule.frequencyCap && !compileCondition(frequencyCapCondition(rule.id, rule.frequencyCap.perDay)).holds(state)) {
    reasons.push(`frequency cap reached (${rule.frequencyCap.perDay} in 24 hours)`);
  }
  return reasons;
}
