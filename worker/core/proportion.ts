/**
 * A proportion from a sample, with its 95 % Wilson score interval (Wilson 1927; Newcombe 1998,
 * "Two-sided confidence intervals for the single proportion", method 3) — sound near 0 and 1
 * and for small samples, where the normal approximation is not. Pure.
 */
const Z95 = 1.959963984540054;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export function wilson(successes: number, n: number, z = Z95): Interval {
  if (n <= 0) return { estimate: 0, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
