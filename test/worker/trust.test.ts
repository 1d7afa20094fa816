/**
 * What a browser cannot do: invent rules for the statistics, forge a purchase a coupon relies
 * on, call from another site, flood, send huge bodies, or create storage by reading. And what
 * the backend can: confirmed server events.
 */
import { describe, expect, it, vi } from "vitest";
import { listDurableObjectIds } from "cloudflare:test";
import { call, cookieFor, event, getPage, newVisitor, postBatch, putRules, sendEvents, slotOf, testEnv } from "../support/worker";
import { identifyToken } from "../support/identify-token";
import type { RulesDocument } from "../../worker/rules/schema";

const COUPON = "15% off with THANKS15";
const couponRules: RulesDocument = {
  segments: { buyers: { when: { count: { event: "purchase", where: { source: "server" }, within: "90d" }, atLeast: 1 } } },
  slots: { hero: [{ id: "thanks-coupon", show: "buyers", html: COUPON, holdout: 0.2 }] },
};
const serverEvents = (body: unknown, token = "test-server-token") =>
  call(new Request("https://shop.test/rujai/server/e", { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${token}` } }));
const me = async (v: string) =>
  (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(v) } }))).json()) as { events: Array<{ type: string; source?: string }> };
const hasStorage = async (ns: DurableObjectNamespace<never>, name: string) => {
  const id = ns.idFromName(name);
  return (await listDurableObjectIds(ns)).some((other) => other.equals(id));
};
const PROFILES = testEnv.PROFILE as unknown as DurableObjectNamespace<never>;

describe("server events", () => {
  it("a purchase the backend confirms qualifies for the coupon; one a browser posts does not", async () => {
    await putRules(couponRules);
    const browser = newVisitor();
    await sendEvents(browser, [event("purchase", { transaction_id: "T-fake", value: 100, source: "server" })]);
    expect(slotOf(await (await getPage("/", browser)).text(), "hero").rule).toBeNull();

    const buyer = newVisitor();
    await sendEvents(buyer, [event("page_view", { path: "/" })]);
    const res = await serverEvents({ sentAt: Date.now(), events: [{ ...event("purchase", { transaction_id: "T-1", value: 2190 }), visitorId: buyer }] });
    expect(await res.json()).toEqual({ kept: 1, duplicates: 0, rejected: [] });
    const hero = slotOf(await (await getPage("/", buyer)).text(), "hero");
    expect(hero.rule).toBe("thanks-coupon");
    expect((await me(buyer)).events.find((e) => e.type === "purchase")).toMatchObject({ source: "server" });
  });

  it("events for a user id land in the profile that user's logins share", async () => {
    const device = newVisitor();
    const login = await call(
      new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify({ token: await identifyToken("u-server-1") }), headers: { cookie: cookieFor(device) } }),
    );
    const userCookie = /rujai_id=([^;.]+)/.exec(login.headers.get("set-cookie") ?? "")![1]!;
    const old = event("purchase", { transaction_id: "T-2025", value: 990 }, Date.now() - 200 * 86_400_000);
    const res = await serverEvents({ sentAt: Date.now(), events: [{ ...old, userId: "u-server-1" }, { ...old, userId: "u-server-1" }] });
    expect(await res.json()).toMatchObject({ kept: 1, duplicates: 1 });
    expect((await me(userCookie)).events.filter((e) => e.type === "purchase")).toHaveLength(0); // older than 90 days: in lifetime totals only
  });

  it("needs SERVER_TOKEN, and each event names exactly one owner", async () => {
    expect((await serverEvents({ sentAt: Date.now(), events: [] }, "wrong")).status).toBe(401);
    expect((await call(new Request("https://shop.test/rujai/server/e", { method: "POST", body: "{}" }), { SERVER_TOKEN: "" })).status).toBe(503);
    const res = await serverEvents({ sentAt: Date.now(), events: [event("purchase"), { ...event("purchase"), userId: "u", visitorId: newVisitor() }, { ...event("purchase"), visitorId: "../x" }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { rejected: Array<{ reason: string }> }).rejected.map((r) => r.reason)).toEqual([
      "give exactly one of userId and visitorId",
      "give exactly one of userId and visitorId",
      "visitorId must be the visitor's rujai_id",
    ]);
  });
});

describe("impressions and clicks", () => {
  it("count only for rules and variants that exist: a made-up rule appears in no results", async () => {
    await putRules(couponRules);
    // A visitor's first batch (no cookie yet) is the one whose impressions the edge could not record.
    const res = await sendEvents(undefined, [
      event("impression", { slot: "hero", rule: "thanks-coupon", variant: "default" }),
      event("impression", { slot: "hero", rule: "made-up-rule", variant: "default" }),
      event("click", { slot: "hero", rule: "thanks-coupon", variant: "b" }),
    ]);
    const body = (await res.json()) as { kept: number; rejected: Array<{ reason: string }> };
    expect(body.kept).toBe(1);
    expect(body.rejected.map((r) => r.reason)).toEqual(['props.rule "made-up-rule" is not a current or recent rule', 'props.variant "b" is not a variant of rule "thanks-coupon"']);
    const csv = await vi.waitFor(
      async () => {
        const text = await (await call(new Request("https://shop.test/rujai/admin/stats/export.csv?days=1", { headers: { authorization: "Bearer test-admin-token" } }))).text();
        if (!text.includes("thanks-coupon")) throw new Error("not counted yet");
        return text;
      },
      { timeout: 3_000 },
    );
    expect(csv).not.toContain("made-up-rule");
  });

  it("a rule replaced by a save still counts for 30 days", async () => {
    await putRules({ segments: {}, slots: {} });
    const admin = { authorization: "Bearer test-admin-token" };
    const save = (doc: RulesDocument) => call(new Request("https://shop.test/rujai/admin/rules", { method: "PUT", body: JSON.stringify(doc), headers: admin }));
    expect((await save(couponRules)).status).toBe(200);
    expect((await save({ segments: {}, slots: {} })).status).toBe(200);
    const res = await sendEvents(undefined, [event("impression", { slot: "hero", rule: "thanks-coupon", variant: "holdout" })]);
    expect(await res.json()).toMatchObject({ kept: 1, rejected: [] });
  });
});

describe("calls from other sites", () => {
  it("event batches only from this site or ALLOWED_ORIGINS", async () => {
    const batch = () => JSON.stringify({ sentAt: Date.now(), events: [event("page_view", { path: "/" })] });
    expect((await postBatch(batch(), newVisitor(), { origin: "https://shop.test" })).status).toBe(200);
    const foreign = await postBatch(batch(), newVisitor(), { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: string }).error).toMatch(/ALLOWED_ORIGINS/);
    const allowed = await call(
      new Request("https://shop.test/rujai/e", { method: "POST", body: batch(), headers: { origin: "https://m.shop.test", cookie: cookieFor(newVisitor()) } }),
      { ALLOWED_ORIGINS: "https://m.shop.test, https://app.shop.test" },
    );
    expect(allowed.status).toBe(200);
  });

  it("erase and reset refuse another site, and the data stays", async () => {
    const v = newVisitor();
    await sendEvents(v, [event("page_view", { path: "/" })]);
    for (const [method, path] of [["DELETE", "/rujai/me"], ["POST", "/rujai/reset"]] as const) {
      const res = await call(new Request(`https://shop.test${path}`, { method, headers: { cookie: cookieFor(v), origin: "https://evil.example", "sec-fetch-site": "cross-site" } }));
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    expect((await me(v)).events).toHaveLength(1);
    const own = await call(new Request("https://shop.test/rujai/me", { method: "DELETE", headers: { cookie: cookieFor(v), origin: "https://shop.test" } }));
    expect(await own.json()).toEqual({ erased: true });
  });
});

describe("rate limits", () => {
  it("past the visitor's limit: 429 with Retry-After, and nothing kept from the refused batch", async () => {
    const v = newVisitor();
    const tight = { VISITOR_LIMIT: (testEnv as unknown as { TIGHT_LIMIT: RateLimit }).TIGHT_LIMIT };
    const send = (e = event("page_view", { path: "/" })) =>
      call(new Request("https://shop.test/rujai/e", { method: "POST", body: JSON.stringify({ sentAt: Date.now(), events: [e] }), headers: { cookie: cookieFor(v) } }), tight);
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
    const refused = await send(event("add_to_cart", { item_id: "x" }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await refused.json()).toEqual({ error: "too many requests; try again in 60 s", path: "$" });
    expect((await me(v)).events.map((e) => e.type)).toEqual(["page_view", "page_view", "page_view"]);
  });
});

describe("bodies", () => {
  it("a 30 MB chunked body is cut off at 64 KiB, not read whole", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled++ >= 480) return controller.close();
        controller.enqueue(chunk);
      },
    });
    const res = await call(new Request("https://shop.test/rujai/e", { method: "POST", body, headers: { cookie: cookieFor(newVisitor()) }, duplex: "half" } as RequestInit));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { path: string }).path).toBe("$");
    expect(pulled).toBeLessThan(10);
  });
});

describe("reads create nothing", () => {
  it("requests with made-up or edited visitor ids reach no profile and leave no storage behind", async () => {
    await putRules(couponRules);
    const real = newVisitor();
    await sendEvents(real, [event("page_view", { path: "/" })]);
    const forged = [`v-${crypto.randomUUID()}`, `${real}.AAAAAAAAAAAAAAAAAAAAAA`, real];
    for (const cookie of forged) {
      const headers = { cookie: `rujai_id=${cookie}`, accept: "text/html" };
      await (await call(new Request("https://shop.test/", { headers }), {}, { sign: false })).text();
      const mine = await call(new Request("https://shop.test/rujai/me", { headers }), {}, { sign: false });
      expect(await mine.json()).toMatchObject({ visitorId: null, events: [] });
      await call(new Request("https://shop.test/rujai/decide?slots=hero", { headers }), {}, { sign: false });
    }
    expect(await hasStorage(PROFILES, forged[0]!)).toBe(false);
    // The real visitor's own (signed) cookie still finds their profile.
    expect((await me(real)).events).toHaveLength(1);
  });
});
