import { describe, expect, it } from "vitest";
import { addCounts, attribute, compileGoal, NO_COUNTS, type ArmCounts, type ArmState } from "../../worker/core/arms";
import { ruleResults } from "../../worker/core/results";
import { newcombeDifference } from "../../worker/core/uplift";
import type { StoredEvent } from "../../worker/core/profile";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20);
let n = 0;
const e = (type: string, at: number, props?: StoredEvent["props"]): StoredEvent => ({ id: `a${n++}`, type, ts: at, ...(props ? { props } : {}) });
const seen = (at: number, variant = "a", rule = "r1") => e("impression", at, { slot: "hero", rule, variant });
const purchase = compileGoal();

/** One visitor's whole history, fed in batches; the deltas summed as the Stats shards would. */
function replay(batches: StoredEvent[][], goal = purchase): { counts: Map<string, ArmCounts & { day: string; variant: string }>; arms: Map<string, ArmState> } {
  const arms = new Map<string, ArmState>();
  const kept: StoredEvent[] = [];
  const counts = new Map<string, ArmCounts & { day: string; variant: string }>();
  for (const added of batches) {
    kept.push(...added);
    kept.sort((a, b) => a.ts - b.ts);
    const { deltas } = attribute(arms, kept.filter((x) => x.type === "impression"), added, () => goal);
    for (const d of deltas) {
      const key = `${d.variant}/${d.day}`;
      const total = counts.get(key) ?? { day: d.day, variant: d.variant, ...NO_COUNTS };
      addCounts(total, d);
      counts.set(key, total);
    }
  }
  return { counts, arms };
}
const total = (counts: Map<string, ArmCounts>) => [...counts.values()].reduce((t, c) => (addCounts(t, c), t), { ...NO_COUNTS });

describe("attribute", () => {
  it("counts a visitor once per arm on their cohort day, and converts them once, however many orders", () => {
    const { counts } = replay([[seen(T0), seen(T0 + 1000)], [e("purchase", T0 + DAY + 5, { value: 300 })], [seen(T0 + 2 * DAY), e("purchase", T0 + 2 * DAY + 9, { value: 200 })]]);
    expect(total(counts)).toMatchObject({ visitors: 1, impressions: 3, conversions: 2, converters: 1, revenue: 500, revenueSquares: 500 ** 2 });
    // Converters and revenue land on the cohort day (the first exposure), so any range of days has converters ≤ visitors.
    expect(counts.get("a/2026-11-20")).toMatchObject({ visitors: 1, converters: 1, revenue: 500 });
    expect(counts.get("a/2026-11-21")).toMatchObject({ visitors: 0, converters: 0, conversions: 1 });
  });
  it("credits only goal events within the goal's window after an exposure", () => {
    expect(total(replay([[e("purchase", T0 - 1, { value: 9 }), seen(T0)]]).counts)).toMatchObject({ visitors: 1, converters: 0 });
    expect(total(replay([[seen(T0)], [e("purchase", T0 + 7 * DAY + 1, { value: 9 })]]).counts)).toMatchObject({ converters: 0 });
    const signUp = compileGoal({ event: "sign_up", within: "1d", where: { source: "server" } });
    expect(total(replay([[seen(T0)], [e("sign_up", T0 + 60_000)]], signUp).counts)).toMatchObject({ converters: 0 });
    expect(total(replay([[seen(T0)], [{ ...e("sign_up", T0 + 60_000), source: "server" }]], signUp).counts)).toMatchObject({ converters: 1 });
    expect(total(replay([[seen(T0)], [{ ...e("sign_up", T0 + DAY + 1), source: "server" }]], signUp).counts)).toMatchObject({ converters: 0 });
  });
  it("a purchase counts for every arm the visitor saw in its window, each once", () => {
    const { counts } = replay([[seen(T0, "a", "r1"), seen(T0, "holdout", "r2")], [e("purchase", T0 + 10, { value: 50 })]]);
    expect([...counts.values()].map((c) => [c.variant, c.converters])).toEqual([["a", 1], ["holdout", 1]]);
  });
});

describe("a scripted population of 400 visitors per arm", () => {
  it("gives exactly the expected counts, and the interval Newcombe's method gives for them", () => {
    const rows: Array<ArmCounts & { day: string; variant: string }> = [];
    for (const [variant, converters] of [["a", 48], ["holdout", 28]] as const) {
      for (let i = 0; i < 400; i++) {
        const batches = [[seen(T0 + i * 1000, variant)]];
        if (i < converters) batches.push([e("purchase", T0 + i * 1000 + DAY, { value: 100 })]);
        rows.push(...replay(batches).counts.values());
      }
    }
    const result = ruleResults(rows, ["2026-11-20", "2026-11-21"]);
    expect(result.variants.map((v) => [v.variant, v.visitors, v.converters, v.revenue])).toEqual([["a", 400, 48, 4800], ["holdout", 400, 28, 2800]]);
    // 48/400 − 28/400 = 0.05. The interval, computed independently by hand from Wilson's
    // limits (48/400: 0.0917–0.1555; 28/400: 0.0489–0.0993) with Newcombe's method 10:
    // 0.05 − √((0.12−0.0917)² + (0.0993−0.07)²) … = 0.00927 to 0.09132.
    const [low, high] = result.comparisons[0]!.conversion!.differenceInterval;
    expect(low).toBeCloseTo(0.00927, 5);
    expect(high).toBeCloseTo(0.09132, 5);
    expect([low, high]).toEqual(newcombeDifference(48, 400, 28, 400));
    expect(result.series.at(-1)!.arms.a).toMatchObject({ visitors: 400, converters: 48, rate: 0.12 });
  });
});
