/**
 * L2-regularized logistic regression, fitted by Newton's method (iteratively reweighted least
 * squares) on standardized features: a handful of features and tens of thousands of rows fit
 * in a few iterations, exactly, with no learning rate to tune — and each coefficient stays a
 * readable factor. Why not a tree ensemble: the factors shown to marketers must add up to the
 * score. Pure.
 */
export interface Standardized {
  means: number[];
  stds: number[];
}

export interface Logistic extends Standardized {
  bias: number;
  /** Per standardized feature. */
  weights: number[];
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function standardize(rows: readonly number[][]): Standardized {
  const d = rows[0]?.length ?? 0;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) means[j]! += r[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) stds[j]! += (r[j]! - means[j]!) ** 2 / rows.length;
  // A feature that never varies here gets weight 0 through the penalty, not a division by 0.
  return { means, stds: stds.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** The linear predictor for raw features. */
export function logit(model: Logistic, x: readonly number[]): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * ((x[j]! - model.means[j]!) / model.stds[j]!);
  return z;
}

/** Fits on rows `x` with labels `y` (0/1); `lambda` penalizes the weights (not the bias). */
export function fitLogistic(x: readonly number[][], y: readonly number[], lambda = 1, iterations = 25): Logistic {
  const scale = standardize(x);
  const d = scale.means.length;
  const z = x.map((r) => r.map((v, j) => (v - scale.means[j]!) / scale.stds[j]!));
  const rate = y.reduce((s, v) => s + v, 0) / Math.max(1, y.length);
  // Start at the base rate: the first step is then already sensible.
  let beta = [Math.log(Math.max(1e-6, rate) / Math.max(1e-6, 1 - rate)), ...new Array<number>(d).fill(0)];
  // The penalized log-likelihood, to keep each Newton step an improvement (halved until it is).
  const objective = (b: number[]) => {
    let ll = 0;
    for (let i = 0; i < z.length; i++) {
      let eta = b[0]!;
      for (let j = 0; j < d; j++) eta += b[j + 1]! * z[i]![j]!;
      ll += y[i] ? -Math.log1p(Math.exp(-eta)) : -Math.log1p(Math.exp(eta));
    }
    for (let j = 1; j <= d; j++) ll -= (lambda / 2) * b[j]! ** 2;
    return ll;
  };
  let current = objective(beta);
  for (let it = 0; it < iterations; it++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < z.length; i++) {
      const row = [1, ...z[i]!];
      let eta = 0;
      for (let j = 0; j <= d; j++) eta += beta[j]! * row[j]!;
      const p = sigmoid(eta);
      const w = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += (y[i]! - p) * row[j]!;
        for (let k = j; k <= d; k++) hessian[j]![k]! += w * row[j]! * row[k]!;
      }
    }
    for (let j = 1; j <= d; j++) {
      gradient[j]! -= lambda * beta[j]!;
      hessian[j]![j]! += lambda;
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hessian[j]![k] = hessian[k]![j]!;
    const step = solve(hessian, gradient);
    if (step.some((v) => !Number.isFinite(v))) break;
    let size = 1;
    let next = beta.map((b, j) => b + step[j]!);
    let value = objective(next);
    while (!(value >= current) && size > 1e-6) {
      size /= 2;
      next = beta.map((b, j) => b + size * step[j]!);
      value = objective(next);
    }
    if (!(value >= current)) break;
    const moved = Math.max(...step.map((v) => Math.abs(v * size)));
    beta = next;
    current = value;
    if (moved < 1e-8) break;
  }
  return { ...scale, bias: beta[0]!, weights: beta.slice(1) };
}

/** Solves A s = g by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(a: number[][], g: number[]): number[] {
  const n = g.length;
  const m = a.map((row, i) => [...row, g[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]! || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / p;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const s = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = m[r]![n]!;
    for (let k = r + 1; k < n; k++) v -= m[r]![k]! * s[k]!;
    s[r] = v / (m[r]![r]! || 1e-12);
  }
  return s;
}
