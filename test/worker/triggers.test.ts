/**
 * Triggers end to end in workerd, with controlled time and a loopback receiver: fires once at
 * the right delay; not when `unless` holds or the segment was left; quiet hours defer to the
 * right local time; the cap holds across triggers; a receiver answering 500 twice gets three
 * attempts with one webhook-id, delivered once; one that never recovers is dead-lettered; the
 * signature verifies with the `standardwebhooks` package; the LINE push has the documented
 * shape; erasing a visitor cancels their pending fires.
 */
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import type { messagingApi } from "@line/bot-sdk";
import { call, cookieFor, event, newVisitor, putRules, sendEvents, testEnv } from "../support/worker";
import { profileOf } from "../../worker/edge/decide";
import type { RulesDocument } from "../../worker/rules/schema";

const receiver = inject("receiverUrl");
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // vitest.config.ts
const MIN = 60_000;
const HOUR = 60 * MIN;
afterEach(() => vi.useRealTimers());

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
const receivedAt = async (path: string) => ((await (await fetch(`${receiver}/__received`)).json()) as Received[]).filter((r) => r.path === path);
/** Waits (bounded) for `n` requests at `path`. */
const arrivals = (path: string, n: number, timeout = 10_000) =>
  vi.waitFor(
    async () => {
      const got = await receivedAt(path);
      if (got.length < n) throw new Error(`${got.length} of ${n} at ${path}`);
      return got;
    },
    { timeout, interval: 100 },
  );
/** Lets the queue's 1 s batch window pass, then says whether anything arrived. */
const nothingArrives = async (path: string) => {
  await new Promise((r) => setTimeout(r, 1_600));
  expect(await receivedAt(path)).toEqual([]);
};

function rules(path: string, triggers: RulesDocument["triggers"], extra: Partial<RulesDocument> = {}): RulesDocument {
  return {
    timezone: "Asia/Bangkok",
    segments: {
      hesitant: { when: { all: [{ count: { event: "add_to_cart", within: "3d" }, atLeast: 1 }, { count: { event: "purchase", within: "3d" }, atMost: 0 }] } },
    },
    slots: {},
    destinations: {
      crm: { type: "webhook", url: `${receiver}${path}`, secret: "CRM_WEBHOOK_SECRET" },
      line: { type: "line", token: "LINE_CHANNEL_TOKEN", to: "trait.line_user_id", baseUrl: `${receiver}${path}` },
    },
    triggers,
    ...extra,
  };
}
const start = (t: number) => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(t);
};
/** 10:00 Bangkok time tomorrow, safely ahead of the real clock (alarms are real timers). */
const morning = () => {
  const d = new Date(Date.now() + 2 * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 3, 0);
};

describe("a webhook trigger", () => {
  it("fires once, at its delay, signed so the standardwebhooks package verifies it, with the payload's placeholders as JSON text", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "thanks", on: { event: "purchase", source: "server" }, after: "5m", to: "crm", payload: { kind: "thank-you", order: "{{event.transaction_id}}", tier: "{{trait.tier | member}}" } }]));
    const t0 = morning();
    start(t0);
    const v = newVisitor();
    await sendEvents(v, [event("page_view", { path: "/" })]);
    const purchase = { ...event("purchase", { transaction_id: 'T-"42" & <b>', value: 990 }), visitorId: v };
    const res = await call(new Request("https://shop.test/rujai/server/e", { method: "POST", body: JSON.stringify({ sentAt: t0, events: [purchase] }), headers: { authorization: "Bearer test-server-token" } }));
    expect(res.status).toBe(200);
    const stub = profileOf(testEnv, v);
    vi.setSystemTime(t0 + 4 * MIN);
    await runDurableObjectAlarm(stub);
    await nothingArrives(path);
    vi.setSystemTime(t0 + 5 * MIN + 1000);
    await runDurableObjectAlarm(stub);
    const [got] = await arrivals(path, 1);
    expect(got!.headers["webhook-id"]).toBe(`thanks:${purchase.id}`);
    const verified = new Webhook(SECRET).verify(got!.body, got!.headers) as { type: string; data: { payload: Record<string, string>; visitorId: string } };
    expect(verified.type).toBe("rujai.trigger");
    expect(verified.data.payload).toEqual({ kind: "thank-you", order: 'T-"42" & <b>', tier: "member" });
    expect(verified.data.visitorId).toBe(v);
    // A later alarm sends nothing more.
    vi.setSystemTime(t0 + 30 * MIN);
    await runDurableObjectAlarm(stub);
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await receivedAt(path)).toHaveLength(1);
  });

  it("a browser's purchase does not start a trigger that requires the server's", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "thanks", on: { event: "purchase", source: "server" }, to: "crm", payload: { kind: "thank-you" } }]));
    await sendEvents(newVisitor(), [event("purchase", { transaction_id: "fake", value: 1 })]);
    await nothingArrives(path);
  });
});

describe("a LINE trigger", () => {
  it("waits 24 h, is skipped when `unless` holds then, and otherwise pushes the documented request", async () => {
    const path = `/line/${crypto.randomUUID()}`;
    await putRules(
      rules(path, [
        { id: "welcome", on: { event: "sign_up" }, after: "24h", unless: { count: { event: "purchase", within: "24h" }, atLeast: 1 }, to: "line", message: { text: "สวัสดี {{trait.first_name | คุณลูกค้า}} & welcome" } },
      ]),
    );
    const t0 = morning();
    start(t0);
    const identified = async (name: string) => {
      const v = newVisitor();
      await sendEvents(v, [event("sign_up")]);
      await profileOf(testEnv, v).identify(`u-${name}`, { first_name: name, line_user_id: `U${name}` });
      return v;
    };
    const buyer = await identified("buyer");
    const quiet = await identified("somchai");
    vi.setSystemTime(t0 + 2 * HOUR);
    await sendEvents(buyer, [event("purchase", { transaction_id: "P1", value: 100 })]);
    vi.setSystemTime(t0 + 24 * HOUR + 1000);
    await runDurableObjectAlarm(profileOf(testEnv, buyer));
    await runDurableObjectAlarm(profileOf(testEnv, quiet));
    const pushed = await arrivals(`${path}/v2/bot/message/push`, 1);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await receivedAt(`${path}/v2/bot/message/push`)).toHaveLength(1);
    const request = JSON.parse(pushed[0]!.body) as messagingApi.PushMessageRequest;
    expect(request).toEqual({ to: "Usomchai", messages: [{ type: "text", text: "สวัสดี somchai & welcome" }] });
    expect(pushed[0]!.headers.authorization).toBe("Bearer test-line-channel-token");
    expect(pushed[0]!.headers["x-line-retry-key"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("timing and caps", () => {
  it("an enter trigger does not fire for a visitor who left the segment before it was due", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "cart-nudge", on: { enter: "hesitant" }, after: "2h", to: "crm", payload: { kind: "nudge" } }]));
    const t0 = morning();
    start(t0);
    const stays = newVisitor();
    const leaves = newVisitor();
    for (const v of [stays, leaves]) await sendEvents(v, [event("add_to_cart", { item_id: "sn-1", price: 2190 })]);
    vi.setSystemTime(t0 + HOUR);
    await sendEvents(leaves, [event("purchase", { transaction_id: "P2", value: 2190 })]);
    vi.setSystemTime(t0 + 2 * HOUR + 1000);
    for (const v of [stays, leaves]) await runDurableObjectAlarm(profileOf(testEnv, v));
    const [got] = await arrivals(path, 1);
    expect(JSON.parse(got!.body).data.visitorId).toBe(stays);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await receivedAt(path)).toHaveLength(1);
  });

  it("quiet hours defer a fire to their end in the visitor's timezone", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "late", on: { event: "add_to_cart" }, after: "1h", quietHours: { from: "21:00", to: "09:00" }, to: "crm", payload: { kind: "nudge" } }]));
    const d = new Date(Date.now() + 2 * 86_400_000);
    const t0 = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 14, 30); // 21:30 in Bangkok
    start(t0);
    const v = newVisitor();
    await sendEvents(v, [event("add_to_cart", { item_id: "sn-1" })]);
    const stub = profileOf(testEnv, v);
    vi.setSystemTime(t0 + HOUR + 1000); // 22:30: due, but quiet
    await runDurableObjectAlarm(stub);
    await nothingArrives(path);
    const nineAm = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1, 2, 0); // 09:00 Bangkok
    const alarm = await (await import("cloudflare:test")).runInDurableObject(stub, (_o, state) => state.storage.getAlarm());
    expect(alarm).toBe(nineAm);
    vi.setSystemTime(nineAm);
    await runDurableObjectAlarm(stub);
    await arrivals(path, 1);
  });

  it("the per-visitor cap holds across triggers", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(
      rules(
        path,
        [
          { id: "first", on: { event: "add_to_cart" }, to: "crm", payload: { which: "first" } },
          { id: "second", on: { event: "add_to_cart" }, to: "crm", payload: { which: "second" } },
        ],
        { messageCap: { perDay: 1 } },
      ),
    );
    const v = newVisitor();
    await sendEvents(v, [event("add_to_cart", { item_id: "a" })]);
    await sendEvents(v, [event("add_to_cart", { item_id: "b" })]);
    await arrivals(path, 1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await receivedAt(path)).toHaveLength(1);
  });

  it("a held-out visitor is recorded, not sent to", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "all-held", on: { event: "add_to_cart" }, holdout: 0.9, to: "crm", payload: { kind: "x" } }]));
    const { bucket } = await import("../../worker/core/hash");
    let v = newVisitor();
    while (bucket(v, "all-held:holdout") >= 0.9) v = newVisitor();
    await sendEvents(v, [event("add_to_cart", { item_id: "a" })]);
    await nothingArrives(path);
    const res = await call(new Request("https://shop.test/rujai/admin/deliveries", { headers: { authorization: "Bearer test-admin-token" } }));
    const body = (await res.json()) as { triggers: Record<string, Record<string, number>> };
    expect(body.triggers["all-held"]?.holdout).toBeGreaterThanOrEqual(1);
  });
});

describe("results against the holdout", () => {
  it("each trigger's arms count visitors sent to and held out, and purchases within 7 days after", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const id = `measured-${crypto.randomUUID().slice(0, 8)}`;
    await putRules(rules(path, [{ id, on: { event: "add_to_cart" }, holdout: 0.5, to: "crm", payload: { kind: "x" } }]));
    const { bucket } = await import("../../worker/core/hash");
    const visitors = Array.from({ length: 20 }, newVisitor);
    for (const [i, v] of visitors.entries()) {
      await sendEvents(v, [event("add_to_cart", { item_id: "a" })]);
      if (i % 2 === 0) await sendEvents(v, [event("purchase", { transaction_id: `M${i}`, value: 100 })]);
    }
    const held = visitors.filter((v) => bucket(v, `${id}:holdout`) < 0.5);
    const boughtHeld = visitors.filter((v, i) => i % 2 === 0 && bucket(v, `${id}:holdout`) < 0.5).length;
    const body = await vi.waitFor(
      async () => {
        const res = await call(new Request("https://shop.test/rujai/admin/deliveries", { headers: { authorization: "Bearer test-admin-token" } }));
        const b = (await res.json()) as { results: Record<string, { variants: Array<{ variant: string; visitors: number; conversions: number }> }> };
        const arms = b.results[id]!.variants;
        expect(arms.reduce((n, a) => n + a.visitors, 0)).toBe(20);
        expect(arms.reduce((n, a) => n + a.conversions, 0)).toBe(10);
        return b;
      },
      { timeout: 10_000, interval: 200 },
    );
    const arms = Object.fromEntries(body.results[id]!.variants.map((a) => [a.variant, a]));
    expect(arms.holdout).toMatchObject({ visitors: held.length, conversions: boughtHeld });
    expect(arms.sent).toMatchObject({ visitors: 20 - held.length, conversions: 10 - boughtHeld });
  });

  it("a trigger's goal decides what converts: a sign-up within a day after the message, not a purchase", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const id = `goal-${crypto.randomUUID().slice(0, 8)}`;
    await putRules(rules(path, [{ id, on: { event: "add_to_cart" }, to: "crm", payload: { kind: "x" }, goal: { event: "sign_up", within: "1d" } }]));
    const visitors = Array.from({ length: 4 }, newVisitor);
    for (const [i, v] of visitors.entries()) {
      await sendEvents(v, [event("add_to_cart", { item_id: "a" })]);
      await sendEvents(v, [i < 3 ? event("sign_up", undefined, Date.now() + 1000) : event("purchase", { transaction_id: `G${i}`, value: 100 }, Date.now() + 1000)]);
    }
    const sent = await vi.waitFor(
      async () => {
        const res = await call(new Request("https://shop.test/rujai/admin/deliveries", { headers: { authorization: "Bearer test-admin-token" } }));
        const b = (await res.json()) as { results: Record<string, { goal: unknown; variants: Array<{ variant: string; visitors: number; converters: number; revenue: number }> }> };
        const arm = b.results[id]!.variants.find((a) => a.variant === "sent");
        expect(arm?.converters).toBe(3);
        expect(b.results[id]!.goal).toEqual({ event: "sign_up", within: "1d" });
        return arm!;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(sent).toMatchObject({ visitors: 4, converters: 3, revenue: 0 });
  });
});

describe("delivery", () => {
  it("a receiver answering 500 twice then 200 gets three attempts with one webhook-id, counted as delivered once", async () => {
    const path = `/flaky/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "flaky", on: { event: "add_to_cart" }, to: "crm", payload: { kind: "x" } }]));
    const v = newVisitor();
    const cart = event("add_to_cart", { item_id: "a" });
    await sendEvents(v, [cart]);
    const got = await arrivals(path, 3, 20_000);
    expect(new Set(got.map((r) => r.headers["webhook-id"]))).toEqual(new Set([`flaky:${cart.id}`]));
    const admin = async () =>
      (await (await call(new Request("https://shop.test/rujai/admin/deliveries", { headers: { authorization: "Bearer test-admin-token" } }))).json()) as {
        deliveries: Array<{ id: string; status: string; attempts: number }>;
        triggers: Record<string, Record<string, number>>;
      };
    const body = await vi.waitFor(async () => {
      const b = await admin();
      expect(b.deliveries.find((d) => d.id === `flaky:${cart.id}`)).toMatchObject({ status: "delivered", attempts: 3 });
      return b;
    });
    expect(body.triggers.flaky).toMatchObject({ sent: 1, delivered: 1 });
  }, 30_000);

  it("a receiver that never recovers ends in the dead-letter list, and can be retried by hand", async () => {
    const path = `/down/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "down", on: { event: "add_to_cart" }, to: "crm", payload: { kind: "x" } }]));
    const v = newVisitor();
    const cart = event("add_to_cart", { item_id: "a" });
    await sendEvents(v, [cart]);
    const dead = await vi.waitFor(
      async () => {
        const res = await call(new Request("https://shop.test/rujai/admin/deliveries?status=dead", { headers: { authorization: "Bearer test-admin-token" } }));
        const d = ((await res.json()) as { deliveries: Array<{ id: string; attempts: number; lastStatus: number }> }).deliveries.find((x) => x.id === `down:${cart.id}`);
        if (!d) throw new Error("not dead yet");
        return d;
      },
      { timeout: 25_000, interval: 250 },
    );
    expect(dead.lastStatus).toBe(500);
    expect(dead.attempts).toBeGreaterThanOrEqual(2);
    const retry = await call(new Request(`https://shop.test/rujai/admin/deliveries/${encodeURIComponent(dead.id)}/retry`, { method: "POST", headers: { authorization: "Bearer test-admin-token" } }));
    expect(await retry.json()).toEqual({ queued: dead.id });
    await arrivals(path, dead.attempts + 1);
  }, 40_000);
});

describe("cancelling", () => {
  it("erasing a visitor cancels their pending fires", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    await putRules(rules(path, [{ id: "later", on: { event: "add_to_cart" }, after: "1h", to: "crm", payload: { kind: "x" } }]));
    const t0 = morning();
    start(t0);
    const v = newVisitor();
    await sendEvents(v, [event("add_to_cart", { item_id: "a" })]);
    await call(new Request("https://shop.test/rujai/me", { method: "DELETE", headers: { cookie: cookieFor(v) } }));
    vi.setSystemTime(t0 + 2 * HOUR);
    expect(await runDurableObjectAlarm(profileOf(testEnv, v))).toBe(false); // no alarm left at all
    await nothingArrives(path);
  });

  it("deleting a trigger cancels its pending fires", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const withTrigger = rules(path, [{ id: "soon", on: { event: "add_to_cart" }, after: "1h", to: "crm", payload: { kind: "x" } }]);
    await putRules(withTrigger);
    const t0 = morning();
    start(t0);
    const v = newVisitor();
    await sendEvents(v, [event("add_to_cart", { item_id: "a" })]);
    await putRules({ ...withTrigger, triggers: [] });
    vi.setSystemTime(t0 + 2 * HOUR);
    await runDurableObjectAlarm(profileOf(testEnv, v));
    await nothingArrives(path);
  });
});
