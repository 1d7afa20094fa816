/**
 * What a visitor's new events add to each arm's results (an arm: one variant, or the holdout,
 * of a slot rule or trigger). Pure; the Profile object keeps each arm's state per visitor.
 *
 * Counted so the numbers are proportions a statistician can test:
 * - `visitors`: a visitor is counted once per arm, on the day of their first exposure (their
 *   cohort day);
 * - `converters`: once per arm, when the visitor first has a goal event within the goal's
 *   window after an exposure — counted on the *cohort* day, so for any range of days the
 *   converters are a subset of the visitors (rate ≤ 1, always);
 * - `revenue` and `revenueSquares`: the goal events' `value` per visitor, on the cohort day;
 *   the sum of squares of each visitor's total lets the revenue per visitor have a variance;
 * - `impressions`, `clicks`, `conversions` (goal events credited): on the day they happened.
 */
import type { StoredEvent } from "./profile";
import { firstAfter } from "./profile";
import { compileWhere } from "./conditions";
import { durationMs } from "./duration";
import { DEFAULT_GOAL, type Goal, type RulesDocument } from "../rules/schema";

export interface CompiledGoal {
  event: string;
  matches(e: StoredEvent): boolean;
  withinMs: number;
}

export function compileGoal(goal: Goal = DEFAULT_GOAL): CompiledGoal {
  const where = compileWhere(goal.where);
  return { event: goal.event, matches: (e) => e.type === goal.event && where(e), withinMs: durationMs(goal.within ?? DEFAULT_GOAL.within) };
}

/** Each rule's and trigger's (`trigger:<id>`) goal; rules that name none get the default. */
export function goalIndex(document: RulesDocument): (rule: string) => CompiledGoal {
  const goals = new Map<string, CompiledGoal>();
  for (const rules of Object.values(document.slots)) for (const r of rules) if (r.goal) goals.set(r.id, compileGoal(r.goal));
  for (const t of document.triggers ?? []) if (t.goal) goals.set(`trigger:${t.id}`, compileGoal(t.goal));
  const fallback = compileGoal();
  return (rule) => goals.get(rule) ?? fallback;
}

/** One visitor's state in one arm. */
export interface ArmState {
  rule: string;
  variant: string;
  /** UTC day of the first exposure ("2026-11-26"). */
  cohort: string;
  converted: boolean;
  /** Goal value credited so far (for the sum of squares). */
  revenue: number;
  lastExposed: number;
}

export interface ArmCounts {
  visitors: number;
  impressions: number;
  clicks: number;
  conversions: number;
  converters: number;
  revenue: number;
  revenueSquares: number;
}

export interface ArmDelta extends ArmCounts {
  rule: string;
  variant: string;
  day: string;
}

export const NO_COUNTS: ArmCounts = { visitors: 0, impressions: 0, clicks: 0, conversions: 0, converters: 0, revenue: 0, revenueSquares: 0 };

export const dayOf = (ts: number) => new Date(ts).toISOString().slice(0, 10);
export const armKey = (rule: string, variant: string) => `${rule}\u0000${variant}`;

export interface Attribution {
  deltas: ArmDelta[];
  /** Arms whose state changed (to store). */
  changed: ArmState[];
}

/**
 * `arms` is this visitor's state (updated in place); `impressions` every kept exposure of the
 * visitor, oldest first, `added` included; `added` the events new in this batch.
 */
export function attribute(
  arms: Map<string, ArmState>,
  impressions: readonly StoredEvent[],
  added: readonly StoredEvent[],
  goalOf: (rule: string) => CompiledGoal,
): Attribution {
  const deltas = new Map<string, ArmDelta>();
  const changed = new Set<ArmState>();
  const delta = (rule: string, variant: string, day: string) => {
    const key = `${armKey(rule, variant)}\u0000${day}`;
    let d = deltas.get(key);
    if (!d) deltas.set(key, (d = { rule, variant, day, ...NO_COUNTS }));
    return d;
  };
  for (const e of [...added].sort((a, b) => a.ts - b.ts)) {
    const rule = e.props?.rule;
    const variant = e.props?.variant;
    if ((e.type === "impression" || e.type === "click") && typeof rule === "string" && typeof variant === "string") {
      if (e.type === "click") {
        delta(rule, variant, dayOf(e.ts)).clicks++;
        continue;
      }
      delta(rule, variant, dayOf(e.ts)).impressions++;
      const key = armKey(rule, variant);
      let arm = arms.get(key);
      if (!arm) {
        arms.set(key, (arm = { rule, variant, cohort: dayOf(e.ts), converted: false, revenue: 0, lastExposed: e.ts }));
        delta(rule, variant, arm.cohort).visitors++;
      }
      arm.lastExposed = Math.max(arm.lastExposed, e.ts);
      changed.add(arm);
      continue;
    }
    for (const arm of arms.values()) {
      const goal = goalOf(arm.rule);
      if (!goal.matches(e) || !exposedWithin(impressions, arm, e.ts - goal.withinMs, e.ts)) continue;
      delta(arm.rule, arm.variant, dayOf(e.ts)).conversions++;
      const cohort = delta(arm.rule, arm.variant, arm.cohort);
      if (!arm.converted) {
        arm.converted = true;
        cohort.converters++;
      }
      const value = Number(e.props?.value);
      if (Number.isFinite(value) && value > 0) {
        cohort.revenue += value;
        cohort.revenueSquares += (arm.revenue + value) ** 2 - arm.revenue ** 2;
        arm.revenue += value;
      }
      changed.add(arm);
    }
  }
  return { deltas: [...deltas.values()], changed: [...changed] };
}

/** Whether the visitor saw this arm in [from, to]. */
function exposedWithin(impressions: readonly StoredEvent[], arm: ArmState, from: number, to: number): boolean {
  for (let i = firstAfter(impressions, from - 1); i < impressions.length && impressions[i]!.ts <= to; i++) {
    const p = impressions[i]!.props;
    if (p?.rule === arm.rule && p.variant === arm.variant) return true;
  }
  return false;
}

/** Adds `b` into `a`. */
export function addCounts(a: ArmCounts, b: ArmCounts): void {
  a.visitors += b.visitors;
  a.impressions += b.impressions;
  a.clicks += b.clicks;
  a.conversions += b.conversions;
  a.converters += b.converters;
  a.revenue += b.revenue;
  a.revenueSquares += b.revenueSquares;
}
