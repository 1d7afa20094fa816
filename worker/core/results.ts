/**
 * One rule's (or trigger's) results from its daily counters: totals per arm, each arm against
 * the holdout (conversion rate and revenue per visitor, with 95 % intervals), and the
 * cumulative rate per arm over the days with its Wilson band — what the Results chart draws.
 * Pure.
 */
import { addCounts, NO_COUNTS, type ArmCounts } from "./arms";
import { compare, compareRevenue, type Comparison, type MeanComparison } from "./uplift";
import { wilson } from "./proportion";
import { HOLDOUT } from "./select";

export const METHODS = {
  conversion:
    "converting visitors ÷ exposed visitors; difference: Newcombe's hybrid score interval (95 %); relative change: Katz log interval",
  revenue: "revenue per exposed visitor (zeros included); difference: normal interval, Welch's standard error; relative change: delta method",
  peeking:
    "fixed-horizon intervals: looking every day and stopping at the first clear result makes false wins more likely — decide the visitors needed first and read the result then",
} as const;

export interface DayCounts extends ArmCounts {
  day: string;
  variant: string;
}

export interface ArmResult extends ArmCounts {
  variant: string;
  /** converters ÷ visitors. */
  rate: number | null;
  revenuePerVisitor: number | null;
}

export interface ArmComparison {
  variant: string;
  conversion: Comparison | null;
  revenue: MeanComparison | null;
}

export interface SeriesPoint {
  day: string;
  /** Cumulative over cohort days up to `day`: visitors, converters, rate and its 95 % band. */
  arms: Record<string, { visitors: number; converters: number; rate: number | null; low: number | null; high: number | null }>;
}

export interface RuleResults {
  variants: ArmResult[];
  comparisons: ArmComparison[];
  series: SeriesPoint[];
}

/** `rows` are one rule's; `days` every day of the range, oldest first. */
export function ruleResults(rows: readonly DayCounts[], days: readonly string[], minEffect = 0.1): RuleResults {
  const totals = new Map<string, ArmCounts>();
  for (const r of rows) {
    let t = totals.get(r.variant);
    if (!t) totals.set(r.variant, (t = { ...NO_COUNTS }));
    addCounts(t, r);
  }
  const variants = [...totals]
    .sort(([a], [b]) => (a === HOLDOUT ? 1 : b === HOLDOUT ? -1 : a < b ? -1 : 1))
    .map(([variant, t]) => ({ variant, ...t, rate: t.visitors ? t.converters / t.visitors : null, revenuePerVisitor: t.visitors ? t.revenue / t.visitors : null }));
  const held = totals.get(HOLDOUT);
  const comparisons = held
    ? variants.filter((v) => v.variant !== HOLDOUT).map((v) => ({ variant: v.variant, conversion: compare(v, held, minEffect), revenue: compareRevenue(v, held) }))
    : [];
  return { variants, comparisons, series: cumulativeSeries(rows, days, [...totals.keys()]) };
}

function cumulativeSeries(rows: readonly DayCounts[], days: readonly string[], arms: readonly string[]): SeriesPoint[] {
  const byDay = new Map<string, DayCounts[]>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  const running = new Map(arms.map((a) => [a, { visitors: 0, converters: 0 }]));
  return days.map((day) => {
    for (const r of byDay.get(day) ?? []) {
      const run = running.get(r.variant)!;
      run.visitors += r.visitors;
      run.converters += r.converters;
    }
    const point: SeriesPoint = { day, arms: {} };
    for (const [variant, { visitors, converters }] of running) {
      const band = visitors ? wilson(converters, visitors) : null;
      point.arms[variant] = { visitors, converters, rate: band?.estimate ?? null, low: band?.low ?? null, high: band?.high ?? null };
    }
    return point;
  });
}

/** The UTC days from `fromDay` to `toDay`, inclusive. */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= Date.parse(`${toDay}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
