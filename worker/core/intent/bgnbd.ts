/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the
 * Easy Way", Marketing Science 24(2)): purchases at a gamma-heterogeneous Poisson rate, each
 * followed by a beta-geometric chance of dropping out. Used as the yardstick for purchase
 * intent (bench/intent.mjs) — with the paper's parameters, not fitted here. Pure.
 *
 * A customer is (x, t_x, T): repeat purchases, the time of the last one and the time observed,
 * both measured from their first purchase (the paper's unit: weeks).
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** The paper's estimates on the CDNOW sample, calibration weeks 1–39. */
export const CDNOW_PARAMS: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** ln Γ(x), Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const lnBeta = (a: number, b: number) => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** Gauss's hypergeometric 2F1(a, b; c; z) by its series, for 0 ≤ z < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 0; j < 10_000; j++) {
    term *= ((a + j) * (b + j)) / ((c + j) * (j + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** E[X(t)]: expected purchases (after the first) by time t for a new customer. */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t for a customer with this history (the paper's eq. 10). */
export function conditionalExpectedPurchases(p: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  const head = (a + b + x - 1) / (a - 1);
  const tail = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const alive = x > 0 ? 1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 1;
  return (head * tail) / alive;
}

/** The probability the customer is still active (the paper's eq. 11). */
export function probabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = p;
  return 1 / (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
}

/** One customer's log-likelihood (the paper's eq. 6). */
export function logLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const common = lnGamma(r + x) + r * Math.log(alpha) - lnGamma(r);
  const a1 = lnBeta(a, b + x) - lnBeta(a, b) + common - (r + x) * Math.log(alpha + T);
  if (x === 0) return a1;
  const a2 = lnBeta(a + 1, b + x - 1) - lnBeta(a, b) + common - (r + x) * Math.log(alpha + tx);
  const m = Math.max(a1, a2);
  return m + Math.log(Math.exp(a1 - m) + Math.exp(a2 - m));
}
