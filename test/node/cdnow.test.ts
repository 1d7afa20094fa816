/**
 * Purchase intent on real repeat purchases (CDNOW): BG/NBD reproduces the paper's figures on
 * its sample, and rujai's fitted model — trained on earlier instants only — ranks who buys in
 * the next 14 days at least as well as BG/NBD; the priors at least as well as recency.
 * Deterministic (no timing): the same data gives the same figures as `npm run bench:intent`.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { calibrationSummary, evaluate, parseCdnow } from "../../bench/intent-eval";

const customers = parseCdnow(readFileSync("bench/data/CDNOW_sample.txt", "utf8"));

describe("CDNOW", () => {
  it("BG/NBD at the paper's parameters: 2,357 customers, 1,411 without a repeat purchase who then made 334, log-likelihood −9,582.4", () => {
    // Fader, Hardie & Lee (2005), calibration weeks 1–39.
    const s = calibrationSummary(customers);
    expect(s.customers).toBe(2357);
    expect(s.zeroRepeat).toBe(1411);
    expect(s.zeroRepeatLaterPurchases).toBe(334);
    expect(s.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it("the fitted model ranks at least as well as BG/NBD (AUC and top 5 %), the priors at least as well as recency", { timeout: 120_000 }, () => {
    const { evaluations } = evaluate(customers);
    const by = Object.fromEntries(evaluations.map((e) => [e.scorer, e]));
    const bgnbd = by["BG/NBD (paper's parameters)"]!;
    expect(by["rujai fitted"]!.auc).toBeGreaterThanOrEqual(bgnbd.auc);
    expect(by["rujai fitted"]!.precisionTop5).toBeGreaterThanOrEqual(bgnbd.precisionTop5);
    expect(by["rujai priors"]!.auc).toBeGreaterThanOrEqual(by.recency!.auc);
    expect(by["rujai priors"]!.precisionTop5).toBeGreaterThanOrEqual(by.recency!.precisionTop5);
  });
});
