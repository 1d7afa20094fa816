/**
 * Purchase intent for the next two weeks: a logistic model over the features of features.ts.
 * Until a shop has enough labelled history, the documented priors below score; the scheduled
 * fit (intent/fit.ts) replaces them with coefficients learned from the shop's own profiles.
 * Either way the factors shown for a score are its terms: each feature's weight times how far
 * the visitor is from the average (in standard deviations), adding up, with the intercept, to
 * the score's log-odds. Pure.
 */
import { FEATURES } from "./features";
import { logit, sigmoid, type Logistic } from "./logistic";
import type { CalibrationBin } from "./metrics";

export interface ModelCard {
  trainedAt: number;
  /** Training rows (customer × past instant) and customers, the held-out ones excluded. */
  rows: number;
  customers: number;
  positives: number;
  /** Scored on customers kept out of the fit (a fifth, by a hash of their id). */
  heldOut: { rows: number; customers: number; auc: number | null; precisionTop5: number | null; baseRate: number; calibration: CalibrationBin[] };
  lambda: number;
  horizonDays: number;
  method: string;
}

export interface IntentModel extends Logistic {
  kind: "prior" | "fitted";
  features: readonly string[];
  card: ModelCard | null;
}

export interface Factor {
  name: string;
  value: number | string;
  effect: number;
}

/**
 * The priors, on raw features: recent and repeat buyers are likelier to buy again, a fresh
 * cart or checkout more so, browsing adds a little; long gaps between orders and being far
 * past one's usual gap lower it. Set so that with purchases alone they rank like recency and
 * frequency: the recency and frequency weights were chosen by `npm run bench:intent` on CDNOW
 * (AUC 0.81, as recency alone, with a better top 5 %), the browsing ones by judgment.
 */
const PRIOR_WEIGHTS: Record<(typeof FEATURES)[number], number> = {
  "has bought before": 1.2,
  "days since the last order (log)": -1.0,
  "orders (log)": 1.6,
  "average order value (log)": 0,
  "typical days between orders (log)": -0.1,
  "share of the typical gap gone by": -0.1,
  "days since first seen (log)": 0,
  "cart in the last 3 days, not bought since": 0.8,
  "cart in the last 14 days, not bought since": 0.8,
  "checkout begun in 3 days, not bought since": 1.0,
  "product views in 7 days (log)": 0.25,
  "browsing trend week over week": 0.6,
  "engagement in 60 days (log)": 0.1,
  "orders per 30 days since the first (log)": 0,
  "silence as a share of the time since the first order": 0,
  "ordered in the last 14 days": 0,
  "ordered in the last 60 days": 0,
  "repeat orders × silence since (log ratio)": 0,
};

export const PRIOR_MODEL: IntentModel = {
  kind: "prior",
  features: FEATURES,
  means: FEATURES.map(() => 0),
  stds: FEATURES.map(() => 1),
  bias: -2.6,
  weights: FEATURES.map((f) => PRIOR_WEIGHTS[f]),
  card: null,
};

/** Whether a stored model still fits the features this code computes. */
export function usable(model: IntentModel | null | undefined): model is IntentModel {
  return !!model && model.features.length === FEATURES.length && model.features.every((f, i) => f === FEATURES[i]);
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A factor as a marketer reads it: "product views in 7 days: 3", not its log. */
function shown(name: string, x: number): { name: string; value: number } {
  return name.endsWith(" (log)") ? { name: name.slice(0, -6), value: round(Math.expm1(x), 1) } : { name, value: round(x) };
}

export function scoreIntent(model: IntentModel, x: readonly number[]): { score: number; factors: Factor[] } {
  const factors: Factor[] = [];
  for (let j = 0; j < model.weights.length; j++) {
    const effect = (model.weights[j]! * (x[j]! - model.means[j]!)) / model.stds[j]!;
    if (Math.abs(effect) >= 0.01) factors.push({ ...shown(model.features[j]!, x[j]!), effect: round(effect) });
  }
  return { score: round(sigmoid(logit(model, x)), 3), factors };
}
