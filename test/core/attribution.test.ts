import { describe, expect, it } from "vitest";
import { statDeltas, upliftAgainstHoldout } from "../../worker/core/attribution";
import { buildProfile, type StoredEvent } from "../../worker/core/profile";

const H = 3_600_000;
let n = 0;
const e = (type: string, hour: number, props?: StoredEvent["props"]): StoredEvent => ({ id: `a${n++}`, type, ts: hour * H, ...(props ? { props } : {}) });
const seen = (hour: number, variant = "a") => e("impression", hour, { slot: "hero", rule: "r1", variant });

describe("statDeltas", () => {
  it("counts impressions, a first exposure once, clicks, and purchases within 7 days after", () => {
    const earlier = [seen(1)];
    const added = [seen(2), e("click", 2, { slot: "hero", rule: "r1", variant: "a" }), e("purchase", 30, { value: 900 })];
    const deltas = statDeltas(buildProfile([...earlier, ...added]), added);
    expect(deltas).toEqual([{ rule: "r1", variant: "a", visitors: 0, impressions: 1, clicks: 1, conversions: 1, revenue: 900 }]);
    const first = [seen(1, "holdout"), seen(2, "holdout")];
    expect(statDeltas(buildProfile(first), first)[0]).toMatchObject({ variant: "holdout", visitors: 1, impressions: 2 });
  });
  it("does not credit a purchase more than 7 days after the impression", () => {
    const added = [seen(0), e("purchase", 8 * 24, { value: 100 })];
    expect(statDeltas(buildProfile(added), added)[0]).toMatchObject({ conversions: 0 });
  });
  it("a visitor converts at most once per window: a second purchase two days later adds revenue only", () => {
    const history = [seen(0), e("purchase", 10, { value: 500 })];
    const added = [e("purchase", 58, { value: 700 })];
    expect(statDeltas(buildProfile([...history, ...added]), added)[0]).toMatchObject({ conversions: 0, revenue: 700 });
    const allAtOnce = [seen(0), e("purchase", 10, { value: 500 }), e("purchase", 58, { value: 700 })];
    expect(statDeltas(buildProfile(allAtOnce), allAtOnce)[0]).toMatchObject({ conversions: 1, revenue: 1200 });
  });
});

describe("uplift against the holdout", () => {
  it("compares conversions per visitor with a two-proportion z-test", () => {
    const [u] = upliftAgainstHoldout([
      { variant: "a", visitors: 1000, impressions: 3000, clicks: 100, conversions: 120, revenue: 0 },
      { variant: "holdout", visitors: 1000, impressions: 2900, clicks: 0, conversions: 80, revenue: 0 },
    ]);
    expect(u!.relative).toBeCloseTo(0.5);
    expect(u!.z).toBeCloseTo(2.98, 1);
    expect(u!.significant).toBe(true);
  });
  it("says nothing without a holdout", () => {
    expect(upliftAgainstHoldout([{ variant: "a", visitors: 10, impressions: 10, clicks: 0, conversions: 1, revenue: 0 }])).toEqual([
      { variant: "a", relative: null, z: null, significant: false },
    ]);
  });
});
