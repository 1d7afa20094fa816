/**
 * Fitting a shop's intent model from training rows (a customer's features at a past instant,
 * labelled by whether they bought in the 14 days after): a fifth of the customers (by a hash
 * of their key) is held out, the rest fit, and the card reports how that fit ranks and how
 * well it is calibrated on the held-out customers; the model used is the same fit on all rows. Too few rows or buyers: the priors stay.
 * Pure.
 */
import { bucket } from "../hash";
import { FEATURES } from "./features";
import { fitLogistic, logit, sigmoid } from "./logistic";
import { auc, calibration, precisionAtTop, type Scored } from "./metrics";
import type { IntentModel } from "./model";

export interface TrainingRow {
  /** The customer the row is of (rows of one customer stay on one side of the split). */
  key: string;
  x: number[];
  y: 0 | 1;
}

export const MIN_ROWS = 500;
export const MIN_POSITIVES = 30;
const LAMBDA = 1;
const HELD_OUT = 0.2;

export type FitResult = { ok: true; model: IntentModel } | { ok: false; reason: string; rows: number; positives: number };

export function fitIntent(rows: readonly TrainingRow[], now: number, horizonDays = 14): FitResult {
  const heldOut = (r: TrainingRow) => bucket(r.key, "intent-held-out") < HELD_OUT;
  const train = rows.filter((r) => !heldOut(r));
  const test = rows.filter(heldOut);
  const positives = train.filter((r) => r.y).length;
  if (train.length < MIN_ROWS || positives < MIN_POSITIVES || !test.some((r) => r.y)) {
    return { ok: false, reason: `${train.length} training rows with ${positives} buyers; the priors stay until there are ${MIN_ROWS} rows with ${MIN_POSITIVES} buyers (and buyers among the held-out customers)`, rows: train.length, positives };
  }
  const checked = fitLogistic(train.map((r) => r.x), train.map((r) => r.y), LAMBDA);
  const scored: Scored[] = test.map((r) => ({ score: sigmoid(logit(checked, r.x)), label: r.y }));
  // The card is the held-out customers' verdict on a fit without them; the model put to work
  // is then fitted the same way on every row.
  const model: IntentModel = {
    kind: "fitted",
    features: FEATURES,
    ...fitLogistic(rows.map((r) => r.x), rows.map((r) => r.y), LAMBDA),
    card: {
      trainedAt: now,
      rows: train.length,
      customers: new Set(train.map((r) => r.key)).size,
      positives,
      heldOut: {
        rows: test.length,
        customers: new Set(test.map((r) => r.key)).size,
        auc: auc(scored),
        precisionTop5: precisionAtTop(scored, 0.05),
        baseRate: test.filter((r) => r.y).length / test.length,
        calibration: calibration(scored),
      },
      lambda: LAMBDA,
      horizonDays,
      method: "logistic regression, L2 penalty on standardized features, fitted by Newton's method; a fifth of customers held out",
    },
  };
  return { ok: true, model };
}
