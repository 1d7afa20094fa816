/** Slot rules at the edge: schedules in the visitor's timezone, frequency caps, templates, holdout. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { event, getPage, newVisitor, putRules, sendEvents, slotOf, viewPage } from "../support/worker";
import { bucket } from "../../worker/core/hash";

const HOUR = 3_600_000;
// 10:00 in Bangkok on a day ahead of the real clock (alarms are real timers).
const MORNING_BKK = Math.max(Date.UTC(2026, 11, 2, 3), Math.ceil(Date.now() / (7 * 24 * HOUR)) * 7 * 24 * HOUR + 3 * HOUR);

beforeEach(() => vi.useFakeTimers({ toFake: ["Date"] }));
afterEach(() => vi.useRealTimers());

describe("schedule", () => {
  it("a lunch-time rule shows between 11:00 and 14:00 Bangkok time only", async () => {
    await putRules({
      timezone: "Asia/Bangkok",
      segments: { everyone: { when: { not: { count: { event: "never" } } } } },
      slots: { promo: [{ id: "lunch", show: "everyone", html: "Lunch deal", schedule: { hours: { from: "11:00", to: "14:00" } } }] },
    });
    vi.setSystemTime(MORNING_BKK);
    expect(slotOf(await (await getPage("/")).text(), "promo").rule).toBeNull();
    vi.setSystemTime(MORNING_BKK + 2 * HOUR);
    expect(slotOf(await (await getPage("/")).text(), "promo")).toMatchObject({ rule: "lunch", content: "Lunch deal" });
  });
});

describe("frequency cap", () => {
  it("after two pages showing it in 24 hours the rule gives way to the next one", async () => {
    vi.setSystemTime(MORNING_BKK);
    await putRules({
      segments: { fans: { when: { count: { event: "view_item" } } } },
      slots: {
        hero: [
          { id: "capped", show: "fans", priority: 10, html: "Capped promo", frequencyCap: { perDay: 2 } },
          { id: "fallback", show: "fans", html: "Everyday promo" },
        ],
      },
    });
    const v = newVisitor();
    await sendEvents(v, [event("view_item", { item_id: "a" })]);
    // Each page records its exposure at the edge as it goes out; the SDK's impressions add nothing.
    expect(slotOf(await viewPage("/", v), "hero").rule).toBe("capped");
    await sendEvents(v, [event("impression", { slot: "hero", rule: "capped", variant: "default" })]);
    expect(slotOf(await viewPage("/", v), "hero").rule).toBe("capped");
    expect(slotOf(await viewPage("/", v), "hero").rule).toBe("fallback");
    vi.setSystemTime(MORNING_BKK + 25 * HOUR);
    expect(slotOf(await (await getPage("/", v)).text(), "hero").rule).toBe("capped");
  });
});

describe("holdout", () => {
  it("a visitor in the holdout keeps the default content, marked for measurement", async () => {
    vi.setSystemTime(MORNING_BKK);
    await putRules({
      segments: { fans: { when: { count: { event: "view_item" } } } },
      slots: { hero: [{ id: "h", show: "fans", holdout: 0.5, html: "Promo" }] },
    });
    let v = newVisitor();
    while (bucket(v, "h:holdout") >= 0.5) v = newVisitor();
    await sendEvents(v, [event("view_item", { item_id: "a" })]);
    const hero = slotOf(await (await getPage("/", v)).text(), "hero");
    expect(hero.rule).toBe("h");
    expect(hero.variant).toBe("holdout");
    expect(hero.content).toContain("ช้อปสิ่งที่ใช่");
  });
});
