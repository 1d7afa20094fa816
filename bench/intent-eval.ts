/**
 * Purchase intent measured on real repeat purchases (CDNOW, bench/data): at nine cutoffs, who
 * buys within the next 14 days, ranked by each scorer — rujai's priors, rujai's model fitted
 * on earlier instants only (no peeking), recency, rujai's RFM group, and BG/NBD with the
 * paper's parameters. Also the BG/NBD checks against the paper. Shared by
 * `npm run bench:intent` and test/node/cdnow.test.ts.
 */
import { buildProfile } from "../worker/core/profile";
import { featuresAt, type IntentHistory, type Order } from "../worker/core/intent/features";
import { fitIntent, type TrainingRow } from "../worker/core/intent/fit";
import { PRIOR_MODEL, scoreIntent, type IntentModel } from "../worker/core/intent/model";
import { auc, precisionAtTop, type Scored } from "../worker/core/intent/metrics";
import { CDNOW_PARAMS, conditionalExpectedPurchases, logLikelihood } from "../worker/core/intent/bgnbd";
import { DEFAULT_RFM, RFM_GROUPS, rfm } from "../worker/core/scores";

const DAY = 86_400_000;
const START = Date.UTC(1997, 0, 1);
/** The paper's calibration period: weeks 1–39 (1997-01-01 … 1997-09-30). */
export const CALIBRATION_END = START + 273 * DAY;
/** The data ends 1998-06-30. */
export const DATA_END = START + 546 * DAY;
/** Nine cutoffs, four weeks apart, from the end of calibration; each leaves 14 days to observe. */
export const CUTOFFS = Array.from({ length: 9 }, (_, k) => CALIBRATION_END + k * 28 * DAY);
const HORIZON = 14 * DAY;

export interface Customer {
  id: string;
  /** One order per purchase day, as the paper counts transactions. */
  orders: Order[];
}

export function parseCdnow(text: string): Customer[] {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const line of text.split("\n")) {
    const [, id, date, , value] = line.trim().split(/\s+/);
    if (!id || !date) continue;
    const ts = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    const days = byCustomer.get(id) ?? new Map<number, number>();
    days.set(ts, (days.get(ts) ?? 0) + Number(value));
    byCustomer.set(id, days);
  }
  return [...byCustomer].map(([id, days]) => ({ id, orders: [...days].map(([ts, value]) => ({ ts, value })).sort((a, b) => a.ts - b.ts) }));
}

const historyOf = (c: Customer): IntentHistory => ({ orders: c.orders, profile: buildProfile([]), firstSeen: c.orders[0]!.ts });
const boughtIn = (c: Customer, from: number, to: number) => c.orders.some((o) => o.ts > from && o.ts <= to);

/** The customer as BG/NBD sees them at `t`, in weeks: repeat purchases, last one, time observed. */
function bgnbdView(c: Customer, t: number) {
  const before = c.orders.filter((o) => o.ts <= t);
  const first = before[0]!.ts;
  return { x: before.length - 1, tx: (before.at(-1)!.ts - first) / (7 * DAY), T: (t - first) / (7 * DAY) };
}

/**
 * The paper's summary of the calibration period (orders through 1997-09-30, each customer
 * observed until the start of that day, in weeks), and the log-likelihood at its parameters.
 */
export function calibrationSummary(customers: readonly Customer[]) {
  const observedUntil = CALIBRATION_END - DAY;
  let ll = 0;
  let zeroRepeat = 0;
  let zeroRepeatLaterPurchases = 0;
  let repeatPurchases = 0;
  for (const c of customers) {
    const { x, tx } = bgnbdView(c, CALIBRATION_END - 1);
    ll += logLikelihood(CDNOW_PARAMS, x, tx, (observedUntil - c.orders[0]!.ts) / (7 * DAY));
    repeatPurchases += x;
    if (x === 0) {
      zeroRepeat++;
      zeroRepeatLaterPurchases += c.orders.filter((o) => o.ts >= CALIBRATION_END).length;
    }
  }
  return { customers: customers.length, repeatPurchases, zeroRepeat, zeroRepeatLaterPurchases, logLikelihood: ll };
}

/**
 * Training rows as the worker's scheduled fit makes them: past instants 14 days apart (so no
 * purchase labels two rows), counted back from `cutoff` − 14 days — all of them, since CDNOW
 * keeps every order (the worker's events window stops at 90 days).
 */
export function trainingRows(customers: readonly Customer[], cutoff: number): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (let t = cutoff - HORIZON; t >= START + 28 * DAY; t -= HORIZON) {
    for (const c of customers) {
      if (c.orders[0]!.ts > t) continue;
      rows.push({ key: c.id, x: featuresAt(historyOf(c), t), y: boughtIn(c, t, t + HORIZON) ? 1 : 0 });
    }
  }
  return rows;
}

const RFM_RANK = Object.fromEntries(RFM_GROUPS.map((g, i) => [g, RFM_GROUPS.length - i]));

export type ScorerName = "rujai priors" | "rujai fitted" | "recency" | "rujai RFM group" | "BG/NBD (paper's parameters)";
export interface Evaluation {
  scorer: ScorerName;
  perCutoff: Array<{ cutoff: string; auc: number; precisionTop5: number; baseRate: number }>;
  auc: number;
  precisionTop5: number;
}

export function evaluate(customers: readonly Customer[]): { evaluations: Evaluation[]; models: IntentModel[] } {
  const scorers: Record<ScorerName, Array<{ cutoff: string; auc: number; precisionTop5: number; baseRate: number }>> = {
    "rujai priors": [],
    "rujai fitted": [],
    recency: [],
    "rujai RFM group": [],
    "BG/NBD (paper's parameters)": [],
  };
  const models: IntentModel[] = [];
  for (const cutoff of CUTOFFS) {
    const fit = fitIntent(trainingRows(customers, cutoff), cutoff);
    const fitted = fit.ok ? fit.model : PRIOR_MODEL;
    models.push(fitted);
    const present = customers.filter((c) => c.orders[0]!.ts <= cutoff);
    const labels = present.map((c) => (boughtIn(c, cutoff, cutoff + HORIZON) ? 1 : 0) as 0 | 1);
    const score = (name: ScorerName, f: (c: Customer) => number) => {
      const rows: Scored[] = present.map((c, i) => ({ score: f(c), label: labels[i]! }));
      scorers[name].push({ cutoff: new Date(cutoff).toISOString().slice(0, 10), auc: auc(rows)!, precisionTop5: precisionAtTop(rows, 0.05)!, baseRate: labels.filter(Boolean).length / labels.length });
    };
    score("rujai priors", (c) => scoreIntent(PRIOR_MODEL, featuresAt(historyOf(c), cutoff)).score);
    score("rujai fitted", (c) => scoreIntent(fitted, featuresAt(historyOf(c), cutoff)).score);
    score("recency", (c) => -(cutoff - c.orders.filter((o) => o.ts <= cutoff).at(-1)!.ts));
    score("rujai RFM group", (c) => {
      const before = c.orders.filter((o) => o.ts <= cutoff);
      const life = { orders: before.length, value: before.reduce((s, o) => s + o.value, 0), firstPurchase: before[0]!.ts, lastPurchase: before.at(-1)!.ts };
      return RFM_RANK[rfm(life, cutoff, DEFAULT_RFM).group ?? "lost"]!;
    });
    score("BG/NBD (paper's parameters)", (c) => {
      const { x, tx, T } = bgnbdView(c, cutoff);
      return conditionalExpectedPurchases(CDNOW_PARAMS, x, tx, T, 2);
    });
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const evaluations = (Object.keys(scorers) as ScorerName[]).map((scorer) => ({
    scorer,
    perCutoff: scorers[scorer],
    auc: mean(scorers[scorer].map((r) => r.auc)),
    precisionTop5: mean(scorers[scorer].map((r) => r.precisionTop5)),
  }));
  return { evaluations, models };
}
