import { describe, expect, it } from "vitest";
import { wilson } from "../../worker/core/proportion";

describe("wilson", () => {
  // Newcombe (1998), Table I: 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605; 0/20 → 0 to 0.1611.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
  ])("%i of %i", (x, n, low, high) => {
    const i = wilson(x, n);
    expect(i.low).toBeCloseTo(low, 4);
    expect(i.high).toBeCloseTo(high, 4);
  });
});
