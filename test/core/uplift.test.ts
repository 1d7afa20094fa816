import { describe, expect, it } from "vitest";
import { compare, newcombeDifference, visitorsNeeded } from "../../worker/core/uplift";

describe("newcombeDifference", () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10 (hybrid score):
  // (a) 56/70 − 48/80 → 0.0524 to 0.3339; (b) 9/10 − 3/10 → 0.1705 to 0.8090.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
  ])("%i/%i − %i/%i", (x1, n1, x0, n0, low, high) => {
    const [l, u] = newcombeDifference(x1, n1, x0, n0);
    expect(l).toBeCloseTo(low, 4);
    expect(u).toBeCloseTo(high, 4);
  });
});

describe("compare", () => {
  it("400 visitors per arm, 48 vs 28 conversions: better than the holdout, with the interval and the relative uplift", () => {
    const c = compare({ visitors: 400, converters: 48 }, { visitors: 400, converters: 28 })!;
    expect(c.rate).toBe(0.12);
    expect(c.holdoutRate).toBe(0.07);
    expect(c.difference).toBeCloseTo(0.05, 10);
    expect(c.differenceInterval[0]).toBeGreaterThan(0);
    expect(c.verdict).toBe("better than the holdout");
    expect(c.relative).toBeCloseTo(0.7143, 4);
  });
  it("says not enough data for a handful of visitors", () => {
    expect(compare({ visitors: 12, converters: 3 }, { visitors: 10, converters: 1 })!.verdict).toBe("not enough data");
  });
  it("states the sample needed for a 10 % relative effect at a 5 % base rate", () => {
    // Fleiss' normal-approximation formula by hand: p0 .05, p1 .055 → about 31,200 per arm.
    expect(visitorsNeeded(0.05, 0.1)).toBeGreaterThan(31_000);
    expect(visitorsNeeded(0.05, 0.1)).toBeLessThan(31_500);
  });
});
