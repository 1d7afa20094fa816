/**
 * An arm against its holdout, as a statistician would report it (pure):
 * - the difference in conversion rates with its 95 % interval by Newcombe's hybrid score
 *   method (Newcombe 1998, "Interval estimation for the difference between independent
 *   proportions", method 10: Wilson intervals of each rate combined);
 * - the relative uplift (rate ratio − 1) with the Katz log interval;
 * - the visitors each arm still needs to detect a stated relative effect (two-sided 5 %,
 *   80 % power, normal approximation);
 * - "not enough data" below 30 visitors or 5 conversions in an arm;
 * - revenue per visitor (zeros included): the difference of means with a normal interval
 *   (Welch's standard error), and the relative change with the delta method on the log of the
 *   ratio of means (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics").
 * These are fixed-horizon intervals: checking them every day and stopping at the first
 * "significant" inflates false positives — decide the sample size first (`needed`).
 */
import { wilson } from "./proportion";

const Z = 1.959963984540054;
const Z_POWER = 0.8416212335729143; // 80 % power

export interface Arm {
  visitors: number;
  /** Visitors who reached the goal (each at most once). */
  converters: number;
}

/** Revenue per visitor: the visitors, the sum of their revenue and the sum of its squares. */
export interface RevenueArm {
  visitors: number;
  revenue: number;
  revenueSquares: number;
}

export interface MeanComparison {
  perVisitor: number;
  holdoutPerVisitor: number;
  difference: number;
  differenceInterval: [number, number];
  relative: number | null;
  relativeInterval: [number, number] | null;
}

export interface Comparison {
  rate: number;
  holdoutRate: number;
  /** rate − holdout rate, and its 95 % interval. */
  difference: number;
  differenceInterval: [number, number];
  /** rate ÷ holdout rate − 1, and its 95 % interval (null without holdout conversions). */
  relative: number | null;
  relativeInterval: [number, number] | null;
  /** Visitors per arm to detect `minEffect` (relative) at the holdout's rate. */
  needed: number | null;
  verdict: "not enough data" | "better than the holdout" | "worse than the holdout" | "no clear difference";
}

export function newcombeDifference(x1: number, n1: number, x0: number, n0: number): [number, number] {
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const a = wilson(x1, n1);
  const b = wilson(x0, n0);
  const d = p1 - p0;
  return [d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p0) ** 2), d + Math.sqrt((a.high - p1) ** 2 + (p0 - b.low) ** 2)];
}

export function visitorsNeeded(holdoutRate: number, minEffect: number): number | null {
  const p0 = holdoutRate;
  const p1 = p0 * (1 + minEffect);
  if (p0 <= 0 || p1 >= 1 || p1 === p0) return null;
  const mean = (p0 + p1) / 2;
  const n = (Z * Math.sqrt(2 * mean * (1 - mean)) + Z_POWER * Math.sqrt(p1 * (1 - p1) + p0 * (1 - p0))) ** 2 / (p1 - p0) ** 2;
  return Math.ceil(n);
}

export function compare(arm: Arm, holdout: Arm, minEffect = 0.1): Comparison | null {
  if (!arm.visitors || !holdout.visitors) return null;
  // Converters are counted within their visitors' cohorts, so this only guards bad input.
  const x1 = Math.min(arm.converters, arm.visitors);
  const x0 = Math.min(holdout.converters, holdout.visitors);
  const rate = x1 / arm.visitors;
  const holdoutRate = x0 / holdout.visitors;
  const differenceInterval = newcombeDifference(x1, arm.visitors, x0, holdout.visitors);
  let relative: number | null = null;
  let relativeInterval: [number, number] | null = null;
  if (x0 > 0 && x1 > 0) {
    relative = rate / holdoutRate - 1;
    const se = Math.sqrt(1 / x1 - 1 / arm.visitors + 1 / x0 - 1 / holdout.visitors);
    const log = Math.log(rate / holdoutRate);
    relativeInterval = [Math.exp(log - Z * se) - 1, Math.exp(log + Z * se) - 1];
  }
  const thin = arm.visitors < 30 || holdout.visitors < 30 || x1 + x0 < 5;
  const verdict = thin ? "not enough data" : differenceInterval[0] > 0 ? "better than the holdout" : differenceInterval[1] < 0 ? "worse than the holdout" : "no clear difference";
  return { rate, holdoutRate, difference: rate - holdoutRate, differenceInterval, relative, relativeInterval, needed: visitorsNeeded(holdoutRate, minEffect), verdict };
}

/** Mean and unbiased variance of per-visitor revenue from its sums. */
function moments(a: RevenueArm): { mean: number; variance: number } {
  const mean = a.revenue / a.visitors;
  const variance = a.visitors > 1 ? Math.max(0, (a.revenueSquares - a.visitors * mean * mean) / (a.visitors - 1)) : 0;
  return { mean, variance };
}

export function compareRevenue(arm: RevenueArm, holdout: RevenueArm): MeanComparison | null {
  if (arm.visitors < 2 || holdout.visitors < 2) return null;
  const a = moments(arm);
  const b = moments(holdout);
  const difference = a.mean - b.mean;
  const se = Math.sqrt(a.variance / arm.visitors + b.variance / holdout.visitors);
  let relative: number | null = null;
  let relativeInterval: [number, number] | null = null;
  if (a.mean > 0 && b.mean > 0) {
    relative = a.mean / b.mean - 1;
    // Delta method: Var(log m̄) ≈ Var(m̄) / m̄², the two arms independent.
    const seLog = Math.sqrt(a.variance / (arm.visitors * a.mean ** 2) + b.variance / (holdout.visitors * b.mean ** 2));
    const log = Math.log(a.mean / b.mean);
    relativeInterval = [Math.exp(log - Z * seLog) - 1, Math.exp(log + Z * seLog) - 1];
  }
  return { perVisitor: a.mean, holdoutPerVisitor: b.mean, difference, differenceInterval: [difference - Z * se, difference + Z * se], relative, relativeInterval };
}
