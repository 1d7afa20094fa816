/**
 * How well a score ranks who buys: ROC AUC (ties count half), precision in the top share with
 * ties at the cut shared out (a coarse score gets no credit for a lucky order), and
 * calibration per decile. Pure.
 */
export interface Scored {
  score: number;
  label: 0 | 1;
}

export function auc(rows: readonly Scored[]): number | null {
  const positives = rows.filter((r) => r.label).length;
  const negatives = rows.length - positives;
  if (!positives || !negatives) return null;
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.label) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The expected share of buyers among the top `share` of rows (a tied block at the cut counts at its own rate). */
export function precisionAtTop(rows: readonly Scored[], share = 0.05): number | null {
  if (!rows.length) return null;
  const k = Math.max(1, Math.round(rows.length * share));
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  let taken = 0;
  let buyers = 0;
  for (let i = 0; i < sorted.length && taken < k; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const block = sorted.slice(i, j);
    const take = Math.min(block.length, k - taken);
    buyers += (take * block.filter((r) => r.label).length) / block.length;
    taken += take;
    i = j;
  }
  return buyers / k;
}

export interface CalibrationBin {
  decile: number;
  predicted: number;
  observed: number;
  rows: number;
}

/** Rows in ten equal groups by predicted probability: mean predicted vs the share who bought. */
export function calibration(rows: readonly Scored[]): CalibrationBin[] {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  const bins: CalibrationBin[] = [];
  for (let d = 0; d < 10; d++) {
    const part = sorted.slice(Math.floor((d * sorted.length) / 10), Math.floor(((d + 1) * sorted.length) / 10));
    if (!part.length) continue;
    bins.push({ decile: d + 1, predicted: part.reduce((s, r) => s + r.score, 0) / part.length, observed: part.filter((r) => r.label).length / part.length, rows: part.length });
  }
  return bins;
}
