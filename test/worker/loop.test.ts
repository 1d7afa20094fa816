/**
 * The whole loop inside workerd with the real Profile Durable Object, KV and alarms:
 * events in, segments out, the page's slots swapped at the edge.
 */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { event, getPage, newVisitor, putRules, sendEvents, slotOf, testEnv, call, cookieFor } from "../support/worker";
import { EVENING_HTML, REMINDER_HTML, SNEAKER_HTML, shopRules } from "../support/rules";
import { profileOf } from "../../worker/edge/decide";

const MIN = 60_000;
const HOUR = 60 * MIN;
// 10:00 in Bangkok (03:00 UTC) two days from now. Alarms are real workerd timers, so the
// controlled clock must stay ahead of the real one or they would fire on their own.
const MORNING = Math.ceil(Date.now() / (24 * HOUR)) * 24 * HOUR + 24 * HOUR + 3 * HOUR;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(MORNING);
  await putRules(shopRules);
});
afterEach(() => vi.useRealTimers());

const sneakerView = (id: string) => event("view_item", { item_id: id, item_name: id, category: "sneakers", price: 2890 });

async function pageHtml(path: string, visitor: string, overrides = {}) {
  const res = await getPage(path, visitor, overrides);
  expect(res.status).toBe(200);
  return res.text();
}

async function me(visitor: string) {
  const res = await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(visitor) } }));
  return (await res.json()) as { segments: Array<{ name: string; since: number }>; history: Array<{ name: string }>; events: unknown[] };
}

describe("sneaker interest", () => {
  it("three sneaker views put the sneaker promo in the next page's hero (demo shop origin)", async () => {
    const v = newVisitor();
    const before = await pageHtml("/", v);
    expect(slotOf(before, "hero").rule).toBeNull();

    const res = await sendEvents(v, [sneakerView("sn-runner"), sneakerView("sn-court")]);
    expect(await res.json()).toEqual({ kept: 2, duplicates: 0, rejected: [] });
    expect(slotOf(await pageHtml("/", v), "hero").rule).toBeNull();

    await sendEvents(v, [sneakerView("sn-trail")]);
    const hero = slotOf(await pageHtml("/", v), "hero");
    expect(hero).toEqual({ rule: "sneakers-20", variant: "a", content: SNEAKER_HTML });
  });

  it("a browser revalidating its cached copy still gets this visit's slots, not a 304", async () => {
    const v = newVisitor();
    const first = await getPage("/", v);
    const etag = first.headers.get("etag");
    expect(etag).not.toBeNull();
    await sendEvents(v, [sneakerView("r1"), sneakerView("r2"), sneakerView("r3")]);
    const again = await getPage("/", v, {}, { "if-none-match": etag! });
    expect(again.status).toBe(200);
    expect(again.headers.get("etag")).toBeNull();
    expect(slotOf(await again.text(), "hero").rule).toBe("sneakers-20");
  });

  it("works the same in front of a real origin (ORIGIN reverse proxy)", async () => {
    const origin = { ORIGIN: inject("originUrl") };
    const v = newVisitor();
    await sendEvents(v, [sneakerView("a1"), sneakerView("a2"), sneakerView("a3")]);
    const res = await getPage("/slots", v, origin);
    const html = await res.text();
    expect(slotOf(html, "hero")).toEqual({ rule: "sneakers-20", variant: "a", content: SNEAKER_HTML });
    expect(slotOf(html, "promo").content).toBe("โปรโมชันปกติ default promo");
    expect(html).toContain("<p>ท้ายหน้า end of page</p></body></html>");
    expect(res.headers.get("x-origin")).toBe("kept");
    expect(res.headers.get("cache-control")).toBe("private, max-age=60");
    expect(res.headers.get("server-timing")).toMatch(/^rujai;dur=\d+;desc="segments from profile"$/);
  });
});

describe("hesitant shopper", () => {
  it("an alarm puts the visitor in 'hesitant' 30 minutes after add_to_cart; a purchase takes them out", async () => {
    const v = newVisitor();
    const stub = profileOf(testEnv, v);
    await sendEvents(v, [event("add_to_cart", { item_id: "sn-court", category: "sneakers", price: 2190, quantity: 1 })]);
    const alarm = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
    expect(alarm).toBe(MORNING + 30 * MIN);
    expect(slotOf(await pageHtml("/", v), "hero").rule).toBeNull();

    // Thirty minutes pass with nothing from the visitor; only the alarm runs.
    vi.setSystemTime(MORNING + 30 * MIN + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await me(v)).segments).toEqual([{ name: "hesitant", since: MORNING + 30 * MIN + 1000 }]);

    // The visitor comes back: a new page view does not end "since add_to_cart".
    vi.setSystemTime(MORNING + 45 * MIN);
    await sendEvents(v, [event("page_view", { path: "/" })]);
    expect(slotOf(await pageHtml("/", v), "hero")).toMatchObject({ rule: "cart-reminder", content: REMINDER_HTML });

    await sendEvents(v, [event("purchase", { transaction_id: "T1", value: 2190, currency: "THB" })]);
    expect(slotOf(await pageHtml("/", v), "hero").rule).toBeNull();
    const after = await me(v);
    expect(after.segments).toEqual([]);
    expect(after.history.map((h) => h.name)).toEqual(["hesitant"]);
  });
});

describe("time of day", () => {
  it("the same visitor sees the evening bar at 18:00 Bangkok and the default at 10:00", async () => {
    const v = newVisitor();
    await sendEvents(v, [event("page_view", { path: "/" })]);
    vi.setSystemTime(MORNING + 8 * HOUR); // 18:00 in Bangkok
    const evening = slotOf(await pageHtml("/", v), "promo");
    expect(evening).toMatchObject({ rule: "evening-ship", content: EVENING_HTML });
    vi.setSystemTime(MORNING + 24 * HOUR); // 10:00 the next day
    const morning = slotOf(await pageHtml("/", v), "promo");
    expect(morning.rule).toBeNull();
    expect(morning.content).toContain("Free shipping on orders over ฿1,500");
  });

  it("a first-time visitor (no cookie) gets time-of-day content too, and no cookie from the page", async () => {
    vi.setSystemTime(MORNING + 8 * HOUR);
    const res = await getPage("/");
    expect(slotOf(await res.text(), "promo").rule).toBe("evening-ship");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("private, max-age=0, must-revalidate");
  });
});

describe("dedupe", () => {
  it("the same event id sent twice is counted once", async () => {
    const v = newVisitor();
    const e = sneakerView("dup");
    expect(await (await sendEvents(v, [e])).json()).toEqual({ kept: 1, duplicates: 0, rejected: [] });
    expect(await (await sendEvents(v, [e, e])).json()).toEqual({ kept: 0, duplicates: 2, rejected: [] });
    expect((await me(v)).events).toHaveLength(1);
  });
});

describe("privacy", () => {
  it("Global Privacy Control: nothing is stored and no cookie is set", async () => {
    const v = newVisitor();
    const res = await sendEvents(v, [sneakerView("g")], Date.now(), { "sec-gpc": "1" });
    expect(res.status).toBe(202);
    expect((await me(v)).events).toEqual([]);
    const page = await getPage("/", undefined, {}, { "sec-gpc": "1" });
    expect(page.headers.get("set-cookie")).toBeNull();
  });
  it("DELETE /rujai/me erases the profile and the cookie", async () => {
    const v = newVisitor();
    await sendEvents(v, [sneakerView("x1"), sneakerView("x2"), sneakerView("x3")]);
    const res = await call(new Request("https://shop.test/rujai/me", { method: "DELETE", headers: { cookie: cookieFor(v) } }));
    expect(await res.json()).toEqual({ erased: true });
    expect(res.headers.get("set-cookie")).toMatch(/^rujai_id=; .*Max-Age=0/);
    expect((await me(v)).events).toEqual([]);
    expect(slotOf(await pageHtml("/", v), "hero").rule).toBeNull();
  });
});

describe("bots", () => {
  it("are not profiled and see the default content", async () => {
    const googlebot = { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" };
    const v = newVisitor();
    const res = await sendEvents(v, [sneakerView("b1"), sneakerView("b2"), sneakerView("b3")], Date.now(), googlebot);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ kept: 0, stored: false, reason: "bots are not profiled" });
    expect((await me(v)).events).toEqual([]);
    vi.setSystemTime(MORNING + 8 * HOUR); // evening: even time-of-day content stays default
    const page = await getPage("/", undefined, {}, googlebot);
    expect(slotOf(await page.text(), "promo").rule).toBeNull();
  });
});

describe("changing a segment", () => {
  it("applies to existing visitors on their next request, from their kept history", async () => {
    const v = newVisitor();
    await sendEvents(v, [sneakerView("c1"), sneakerView("c2")]);
    expect(slotOf(await pageHtml("/", v), "hero").rule).toBeNull();
    const easier = structuredClone(shopRules);
    (easier.segments["sneaker-fans"]!.when as { atLeast: number }).atLeast = 2;
    await putRules(easier);
    expect(slotOf(await pageHtml("/", v), "hero").rule).toBe("sneakers-20");
  });
});
