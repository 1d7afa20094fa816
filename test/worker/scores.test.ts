/** Scores in the profile: shown with their factors in /rujai/me, and RFM outliving the 90-day history. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, cookieFor, event, newVisitor, putRules, sendEvents, testEnv } from "../support/worker";
import { profileOf } from "../../worker/edge/decide";

const DAY = 86_400_000;
const T0 = Math.ceil(Date.now() / DAY) * DAY + 2 * DAY;
afterEach(() => vi.useRealTimers());

interface Me {
  events: Array<{ type: string }>;
  scores: { engagement: { level: number; factors: unknown[] }; rfm: { group: string | null; orders: number; value: number }; intent: { score: number; factors: Array<{ name: string }> } };
}
const me = async (v: string) => (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(v) } }))).json()) as Me;

describe("scores in the profile", () => {
  it("/rujai/me shows engagement, RFM and intent with their factors", async () => {
    await putRules({ segments: {}, slots: {} });
    const v = newVisitor();
    await sendEvents(v, [event("page_view", { path: "/" }), event("view_item", { item_id: "a", category: "sneakers" }), event("add_to_cart", { item_id: "a", category: "sneakers" })]);
    const { scores } = await me(v);
    expect(scores.engagement.level).toBe(2);
    expect(scores.rfm.group).toBeNull();
    expect(scores.intent.score).toBeGreaterThan(0.3);
    expect(scores.intent.factors.map((f) => f.name)).toContain("added to cart in the last 3 days");
  });

  it("lifetime purchases still count for RFM after the events themselves are past 90 days and pruned", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    await putRules({ segments: { vip: { when: { score: { rfm: { in: ["loyal", "champions"] } } } } }, slots: {} });
    const v = newVisitor();
    await sendEvents(v, [1, 2, 3].map((i) => event("purchase", { transaction_id: `T${i}`, value: 1500 }, T0 - i * DAY)));
    expect((await me(v)).scores.rfm).toMatchObject({ group: "loyal", orders: 3, value: 4500 });

    vi.setSystemTime(T0 + 100 * DAY);
    await runDurableObjectAlarm(profileOf(testEnv, v));
    const later = await me(v);
    expect(later.events.filter((e) => e.type === "purchase")).toEqual([]);
    // Three orders, the last 101 days ago: a loyal customer slipping away.
    expect(later.scores.rfm).toMatchObject({ group: "at-risk", orders: 3, value: 4500 });
  });
});

describe("retention", () => {
  it("a profile idle for 13 months is deleted by its alarm", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    await putRules({ segments: {}, slots: {} });
    const v = newVisitor();
    await sendEvents(v, [event("page_view", { path: "/" })]);
    expect((await me(v)).events).toHaveLength(1);
    vi.setSystemTime(T0 + 400 * DAY);
    await runDurableObjectAlarm(profileOf(testEnv, v));
    expect((await me(v)).events).toEqual([]);
  });
});
