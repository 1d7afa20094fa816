/** Built-in scores: engagement levels, RFM groups and purchase intent, with their factors. */
import { describe, expect, it } from "vitest";
import { engagement, intent, lifetimeOf, rfm, DEFAULT_RFM } from "../../worker/core/scores";
import { buildProfile, type StoredEvent } from "../../worker/core/profile";
import { compileRules, evaluateSegments } from "../../worker/core/segments";

const NOW = Date.UTC(2026, 2, 4, 11);
const DAY = 86_400_000;
let n = 0;
const e = (type: string, daysAgo: number, props?: StoredEvent["props"], id = `s${n++}`): StoredEvent =>
  props ? { id, type, ts: NOW - daysAgo * DAY, props } : { id, type, ts: NOW - daysAgo * DAY };
const profile = (...events: StoredEvent[]) => buildProfile(events);

describe("engagement level 1–5", () => {
  it("is 1 with nothing and rises with activity over 60 days", () => {
    expect(engagement(profile(), NOW).level).toBe(1);
    expect(engagement(profile(e("page_view", 1), e("view_item", 1)), NOW).level).toBe(2);
    const busy = Array.from({ length: 20 }, (_, i) => [e("page_view", i), e("view_item", i), e("add_to_cart", i)]).flat();
    expect(engagement(profile(...busy), NOW)).toMatchObject({ level: 5 });
  });
  it("forgets activity older than 60 days", () => {
    const old = Array.from({ length: 30 }, (_, i) => e("add_to_cart", 61 + i));
    expect(engagement(profile(...old), NOW).level).toBe(1);
  });
  it("names its factors", () => {
    expect(engagement(profile(e("purchase", 2), e("page_view", 2)), NOW).factors).toEqual([
      { name: "page_view in 60 days", value: 1, effect: 1 },
      { name: "purchase in 60 days", value: 1, effect: 10 },
      { name: "active days in 60", value: 1, effect: 2 },
    ]);
  });
});

describe("RFM group", () => {
  const buys = (...daysAgo: number[]) => lifetimeOf(daysAgo.map((d) => e("purchase", d, { value: 1000 })));
  it.each([
    ["never bought: no group", buys(), null],
    ["one recent order: new", buys(5), "new"],
    ["two orders, recent: potential", buys(5, 40), "potential"],
    ["three orders within 90 days: loyal", buys(50, 70, 80), "loyal"],
    ["five orders, last one recent: champions", buys(3, 20, 40, 60, 80), "champions"],
    ["loyal but silent for 4 months: at-risk", buys(120, 150, 160), "at-risk"],
    ["one order 4 months ago: hibernating", buys(120), "hibernating"],
    ["nothing for 7 months: lost", buys(210, 250, 300), "lost"],
  ] as const)("%s", (_name, life, group) => {
    expect(rfm(life, NOW).group).toBe(group);
  });
  it("thresholds are configurable in the rules document", () => {
    expect(rfm(buys(5, 40), NOW, { ...DEFAULT_RFM, loyalOrders: 2 }).group).toBe("loyal");
    const rules = compileRules({ scores: { rfm: { loyalOrders: 2 } }, segments: { loyal: { when: { score: { rfm: "loyal" } } } }, slots: {} }, "t");
    const held = evaluateSegments(rules, profile(e("purchase", 5, { value: 10 }), e("purchase", 40, { value: 10 })), NOW, { timezone: "UTC" }).held;
    expect(held.has("loyal")).toBe(true);
  });
});

describe("purchase intent for the next two weeks (the priors)", () => {
  const score = (...events: StoredEvent[]) => intent(profile(...events), lifetimeOf(events), NOW);
  const logOdds = (p: number) => Math.log(p / (1 - p));
  it("is low with nothing going on", () => {
    expect(score().score).toBeLessThan(0.15);
  });
  it("rises with a recent cart and growing browsing", () => {
    const carted = score(e("view_item", 1), e("view_item", 2), e("add_to_cart", 1));
    expect(carted.score).toBeGreaterThan(0.4);
    expect(carted.factors.map((f) => f.name)).toContain("cart in the last 3 days, not bought since");
  });
  it("a recent repeat buyer outranks a one-time buyer gone quiet", () => {
    const repeat = score(e("purchase", 10, { transaction_id: "a", value: 500 }), e("purchase", 40, { transaction_id: "b", value: 500 }));
    const quiet = score(e("purchase", 80, { transaction_id: "c", value: 500 }));
    expect(repeat.score).toBeGreaterThan(quiet.score);
  });
  it("a cart older than the last purchase does not count", () => {
    const paid = score(e("add_to_cart", 2), e("purchase", 1, { value: 500 }));
    expect(paid.factors.map((f) => f.name)).not.toContain("cart in the last 3 days, not bought since");
  });
  it("its factors are the model's terms: with the intercept they add up to the score's log-odds", () => {
    const s = score(e("view_item", 1), e("add_to_cart", 1), e("purchase", 20, { transaction_id: "x", value: 900 }));
    expect(-2.6 + s.factors.reduce((sum, f) => sum + f.effect, 0)).toBeCloseTo(logOdds(s.score), 1);
  });
  it("one order counts once, however many times it is reported (browser and backend, or an import sent twice)", () => {
    const order = (id: string) => e("purchase", 5, { transaction_id: "T-1", value: 700 }, id);
    expect(lifetimeOf([order("a1"), order("a2")])).toMatchObject({ orders: 1, value: 700 });
  });
});
