/** Scores in the profile: shown with their factors in /rujai/me, and RFM outliving the 90-day history. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { identifyToken } from "../support/identify-token";
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
    expect(scores.intent.factors.map((f) => f.name)).toContain("cart in the last 3 days, not bought since");
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
  it("with no time-dependent rule, events age out after 90 days but traits and lifetime totals stay until 13 months after the last activity", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    await putRules({ segments: {}, slots: {} });
    const device = newVisitor();
    const login = await call(
      new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify({ token: await identifyToken("u-retained", { traits: { tier: "gold" } }) }), headers: { cookie: cookieFor(device) } }),
    );
    const v = /rujai_id=([^;.]+)/.exec(login.headers.get("set-cookie") ?? "")![1]!;
    await sendEvents(v, [event("purchase", { transaction_id: "T1", value: 1500 })]);
    const stub = profileOf(testEnv, v);

    vi.setSystemTime(T0 + 100 * DAY);
    expect(await runDurableObjectAlarm(stub)).toBe(true); // the 91st day's trim
    const aged = (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(v) } }))).json()) as Me & { traits: Record<string, unknown> };
    expect(aged.events).toEqual([]);
    expect(aged.traits).toEqual({ tier: "gold" });
    expect(aged.scores.rfm).toMatchObject({ orders: 1, value: 1500 });

    // The alarm is still set: for the 13th month after the purchase, to the day.
    const eraseAt = new Date(T0);
    eraseAt.setUTCMonth(eraseAt.getUTCMonth() + 13);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(eraseAt.getTime());
    vi.setSystemTime(eraseAt.getTime() - 60_000);
    await runDurableObjectAlarm(stub);
    expect((await me(v)).scores.rfm).toMatchObject({ orders: 1 });
    vi.setSystemTime(eraseAt.getTime());
    await runDurableObjectAlarm(stub);
    const gone = (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(v) } }))).json()) as Me & { traits: Record<string, unknown>; userId: string | null };
    expect([gone.userId, gone.traits, gone.scores.rfm.orders]).toEqual([null, {}, 0]);
  });

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
