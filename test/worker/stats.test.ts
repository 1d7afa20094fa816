/** What each rule achieved: per-variant counts against the holdout, from visitors' own events. */
import { describe, expect, it, vi } from "vitest";
import { call, event, newVisitor, putRules, sendEvents } from "../support/worker";
import { bucket } from "../../worker/core/hash";

describe("GET /rujai/admin/stats", () => {
  it("counts exposures, clicks and attributed purchases per variant, with uplift against the holdout", async () => {
    await putRules({
      segments: { fans: { when: { count: { event: "view_item" } } } },
      slots: { hero: [{ id: "promo-x", show: "fans", holdout: 0.5, variants: [{ id: "a", html: "A" }] }] },
    });
    const visitors = Array.from({ length: 40 }, newVisitor);
    for (const [i, v] of visitors.entries()) {
      const variant = bucket(v, "promo-x:holdout") < 0.5 ? "holdout" : "a";
      const seen = { slot: "hero", rule: "promo-x", variant };
      const events = [event("view_item", { item_id: "x" }), event("impression", seen), event("impression", seen)];
      // Exposed visitors buy more often than held-out ones.
      if (variant === "a" ? i % 2 === 0 : i % 5 === 0) events.push(event("purchase", { transaction_id: `T${i}`, value: 100 }));
      if (variant === "a") events.push(event("click", seen));
      await sendEvents(v, events);
    }
    type Body = {
      slots: Array<{ slot: string; rules: Array<{ rule: string; variants: Array<{ variant: string; visitors: number; impressions: number; clicks: number; conversions: number; revenue: number }>; uplift: Array<{ variant: string; relative: number | null }> }> }>;
    };
    // Statistics are counted beside the ingest, not in its way: wait (bounded) until they are in.
    const body = await vi.waitFor(
      async () => {
        const res = await call(new Request("https://shop.test/rujai/admin/stats?days=7", { headers: { authorization: "Bearer test-admin-token" } }));
        const answer = (await res.json()) as Body;
        const counted = answer.slots[0]!.rules[0]!.variants.reduce((sum, v) => sum + v.visitors, 0);
        if (counted !== 40) throw new Error(`${counted} of 40 visitors counted so far`);
        return answer;
      },
      { timeout: 5_000, interval: 50 },
    );
    const rule = body.slots[0]!.rules[0]!;
    const held = visitors.filter((v) => bucket(v, "promo-x:holdout") < 0.5).length;
    const a = rule.variants.find((v) => v.variant === "a")!;
    const holdout = rule.variants.find((v) => v.variant === "holdout")!;
    expect(a.visitors + holdout.visitors).toBe(40);
    expect(holdout.visitors).toBe(held);
    expect(a.impressions).toBe(2 * a.visitors);
    expect(a.clicks).toBe(a.visitors);
    const expectedA = visitors.filter((v, i) => bucket(v, "promo-x:holdout") >= 0.5 && i % 2 === 0).length;
    expect(a.conversions).toBe(expectedA);
    expect(a.revenue).toBe(100 * expectedA);
    expect(rule.uplift[0]!.variant).toBe("a");
    // The variant against the holdout with Newcombe's interval, around the observed difference.
    const comparison = (rule as unknown as { comparisons: Array<{ variant: string; difference: number; differenceInterval: [number, number]; verdict: string }> }).comparisons[0]!;
    expect(comparison.variant).toBe("a");
    expect(comparison.difference).toBeCloseTo(a.conversions / a.visitors - holdout.conversions / holdout.visitors, 10);
    expect(comparison.differenceInterval[0]).toBeLessThan(comparison.difference);
    expect(comparison.differenceInterval[1]).toBeGreaterThan(comparison.difference);
    expect(comparison.verdict).toBe("not enough data"); // 40 visitors split two ways
  });
});
