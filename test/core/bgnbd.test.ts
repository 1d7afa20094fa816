import { describe, expect, it } from "vitest";
import { CDNOW_PARAMS, conditionalExpectedPurchases, expectedPurchases, lnGamma, probabilityAlive } from "../../worker/core/intent/bgnbd";

describe("BG/NBD with the paper's CDNOW parameters (r 0.243, α 4.414, a 0.793, b 2.426)", () => {
  // Fader & Hardie's spreadsheet for the paper (also the `lifetimes` library's tests).
  it("a customer with 2 repeat purchases, the last at week 30.43, observed 38.86 weeks: 1.226 purchases expected in the next 39", () => {
    expect(conditionalExpectedPurchases(CDNOW_PARAMS, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
  });
  it.each([
    [0.1429, 0.0078],
    [1, 0.0532],
    [3, 0.1506],
    [31.8571, 1.0405],
    [32, 1.0437],
    [78, 1.8576],
  ])("a new customer expects, in %f weeks, %f repeat purchases", (t, expected) => {
    // The spreadsheet carries the estimates unrounded (the same fit to six decimals, as the
    // `lifetimes` library reports it); rounded to three, the 78-week figure moves by 0.003.
    const unrounded = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
    expect(expectedPurchases(unrounded, t)).toBeCloseTo(expected, 3);
    expect(expectedPurchases(CDNOW_PARAMS, t)).toBeCloseTo(expected, 2);
  });
  it("no repeat purchase means alive for sure; a long silence after many means likely gone", () => {
    expect(probabilityAlive(CDNOW_PARAMS, 0, 0, 38)).toBe(1);
    expect(probabilityAlive(CDNOW_PARAMS, 10, 5, 38)).toBeLessThan(0.1);
  });
  it("ln Γ matches known values", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});
