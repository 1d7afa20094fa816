/**
 * The audience index end to end in workerd: scripted visitors → Profile objects → the queue →
 * D1 → the admin API. Sizes, overlaps and identified counts exact; entering, leaving and
 * erasure reflected; the top N in score order; a CSV that parses back to the same rows;
 * out-of-order deliveries that leave the right state.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import Papa from "papaparse";
import { call, cookieFor, event, newVisitor, putRules, sendEvents, testEnv } from "../support/worker";
import { identifyToken } from "../support/identify-token";
import { writeAudience } from "../../worker/audience/index-writer";
import { audienceRow, type AudienceMessage, type AudienceRow } from "../../worker/core/audience-row";
import { buildProfile } from "../../worker/core/profile";
import { compileRules, evaluateSegments, type CompiledRules } from "../../worker/core/segments";
import { scoresOf } from "../../worker/core/scores";
import { topCategory } from "../../worker/core/affinity";
import type { RulesDocument } from "../../worker/rules/schema";

/**
 * Two populations. 2,000 scripted visitors reach the index through the real queue and
 * consumer, their rows made by the same pure code the Profile object runs (segments evaluated,
 * scores, allowed traits): creating 2,000 Durable Objects in the test runtime grows slower with
 * every object (a property of the local runtime, not of rujai). 150 more go the whole way
 * through Profile objects, for what only the object does: writing on change, erasure, GPC.
 */
const VISITORS = 2_000;
const LIVE = 150;
const rules: RulesDocument = {
  audience: { traits: ["tier", "first_name"] },
  segments: {
    "aud-sneaker-fans": { label: "Looked at sneakers", when: { count: { event: "view_item", where: { category: "sneakers" }, within: "7d" }, atLeast: 1 } },
    "aud-carters": { when: { count: { event: "add_to_cart", within: "7d" }, atLeast: 1 } },
    "aud-buyers": { when: { count: { event: "purchase", within: "30d" }, atLeast: 1 } },
    "aud-not-yet-buyers": { when: { not: { segment: "aud-buyers" } } },
  },
  slots: {},
};
const NAMES = ['สมชาย, "เจ้าเก่า"\nบรรทัดสอง', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@mention", "ณัฐ"];
const admin = async <T>(path: string, init: RequestInit = {}) => {
  const res = await call(new Request(`https://shop.test/rujai/admin${path}`, { ...init, headers: { authorization: "Bearer test-admin-token", ...(init.headers ?? {}) } }));
  return { status: res.status, res, body: (res.headers.get("content-type") ?? "").includes("json") ? ((await res.json()) as T) : (undefined as T) };
};
interface Audiences {
  visitors: number;
  segments: Array<{ name: string; size: number; identified: number; trend: Array<{ date: string; size: number }> }>;
  overlap: Array<{ a: string; b: string; both: number }>;
}
interface Member {
  visitorId: string;
  userId: string | null;
  scores: { intent: number; engagement: number; orders: number; value: number };
  traits: Record<string, unknown>;
  factors?: unknown[];
}
const audiences = async () => (await admin<Audiences>("/audiences")).body;

/** Who each visitor is: what they did and whether they logged in. */
const plan = Array.from({ length: VISITORS + LIVE }, (_, i) => ({
  i,
  live: i >= VISITORS,
  views: i % 2 === 0,
  carts: i % 3 === 0,
  buys: i % 5 === 0,
  identified: i % 7 === 0,
}));
type Planned = (typeof plan)[number];
const traitsOf = (p: Planned) => ({ tier: p.i % 2 ? "gold" : "silver", first_name: NAMES[p.i % NAMES.length]!, email: `u${p.i}@example.com` });
const eventsOf = (p: Planned) => {
  const events = [event("page_view", { path: "/" })];
  if (p.views) events.push(event("view_item", { item_id: `sn-${p.i}`, category: "sneakers" }));
  if (p.carts) events.push(event("add_to_cart", { item_id: "sn-1", category: "sneakers", price: 2190 }));
  if (p.buys) events.push(event("purchase", { transaction_id: `T${p.i}`, value: 100 + (p.i % 17) * 10 }));
  return events;
};
const ids = new Map<number, string>();

/** The message a Profile object would send for this scripted visitor. */
function scriptedMessage(p: Planned, compiled: CompiledRules, now: number): AudienceMessage {
  const events = eventsOf(p);
  const profile = buildProfile(events, p.identified ? traitsOf(p) : {});
  const { held } = evaluateSegments(compiled, profile, now, { timezone: "Asia/Bangkok" });
  const row = audienceRow({
    userId: p.identified ? `user-${p.i}` : null,
    membership: new Map([...held].map((name) => [name, now])),
    scores: scoresOf(profile, profile.lifetime, now),
    topCategory: topCategory(profile, now),
    lastActivity: now,
    traits: profile.traits,
    allowedTraits: rules.audience!.traits!,
  });
  return { visitorId: `scripted-${p.i}`, version: now * 1000, row };
}

async function liveVisitor(p: Planned) {
  let v = newVisitor();
  if (p.identified) {
    const token = await identifyToken(`user-${p.i}`, { traits: traitsOf(p) });
    const res = await call(new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify({ token }), headers: { cookie: cookieFor(v) } }));
    v = /rujai_id=([^;.]+)/.exec(res.headers.get("set-cookie") ?? "")![1]!;
  }
  expect((await sendEvents(v, eventsOf(p))).status).toBe(200);
  ids.set(p.i, v);
}

beforeAll(async () => {
  await putRules(rules);
  const now = Date.now();
  const compiled = compileRules(rules, "test");
  const queue = testEnv.AUDIENCE_QUEUE as Queue<AudienceMessage>;
  const scripted = plan.filter((p) => !p.live).map((p) => ({ body: scriptedMessage(p, compiled, now) }));
  for (let start = 0; start < scripted.length; start += 100) await queue.sendBatch(scripted.slice(start, start + 100));
  for (let start = VISITORS; start < plan.length; start += 50) await Promise.all(plan.slice(start, start + 50).map(liveVisitor));
  // The index is eventually consistent: poll (bounded) until every visitor is in.
  const everyone = plan.length;
  await vi.waitFor(
    async () => {
      const indexed = await testEnv.AUDIENCE.prepare("SELECT COUNT(*) AS n FROM visitors WHERE erased = 0 AND (visitor_id LIKE 'scripted-%' OR visitor_id IN (SELECT value FROM json_each(?)))").bind(JSON.stringify([...ids.values()])).first<{ n: number }>();
      expect(indexed!.n).toBe(everyone);
    },
    { timeout: 30_000, interval: 200 },
  );
}, 120_000);

const count = (f: (p: Planned) => boolean) => plan.filter(f).length;

describe("sizes and overlap", () => {
  it("are exact, with identified counts", async () => {
    const body = await audiences();
    const size = (name: string) => body.segments.find((s) => s.name === name)!;
    expect(size("aud-sneaker-fans")).toMatchObject({ size: count((p) => p.views), identified: count((p) => p.views && p.identified) });
    expect(size("aud-carters")).toMatchObject({ size: count((p) => p.carts), identified: count((p) => p.carts && p.identified) });
    expect(size("aud-buyers")).toMatchObject({ size: count((p) => p.buys), identified: count((p) => p.buys && p.identified) });
    expect(size("aud-not-yet-buyers").size).toBe(count((p) => !p.buys));
    const both = (a: string, b: string) => body.overlap.find((o) => o.a === a && o.b === b)?.both;
    expect(both("aud-carters", "aud-sneaker-fans")).toBe(count((p) => p.carts && p.views));
    expect(both("aud-buyers", "aud-carters")).toBe(count((p) => p.buys && p.carts));
    expect(both("aud-buyers", "aud-not-yet-buyers")).toBeUndefined();
  });

  it("the daily size is recorded by the cron handler", async () => {
    const { recordSizes } = await import("../../worker/audience/index-writer");
    await recordSizes(testEnv.AUDIENCE);
    const body = await audiences();
    const today = new Date().toISOString().slice(0, 10);
    expect(body.segments.find((s) => s.name === "aud-buyers")!.trend.at(-1)).toEqual({ date: today, size: count((p) => p.buys) });
  });
});

describe("members and the top N", () => {
  it("pages through a segment by a score with a cursor, every member once", async () => {
    const seen: Member[] = [];
    let cursor: string | null = null;
    do {
      const { body }: { body: { members: Member[]; next: string | null } } = await admin(`/audiences/aud-buyers?order=value&limit=97${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.members);
      cursor = body.next;
    } while (cursor);
    expect(seen).toHaveLength(count((p) => p.buys));
    expect(new Set(seen.map((m) => m.visitorId)).size).toBe(seen.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.scores.value).toBeGreaterThanOrEqual(seen[i]!.scores.value);
  });

  it("the top 200 carters by intent are the 200 highest intents among them, in order, with their factors; only allowed traits", async () => {
    const { body } = await admin<{ members: Member[] }>("/audiences/top?by=intent&n=200&segment=aud-carters");
    const all = await testEnv.AUDIENCE.prepare(
      "SELECT v.intent FROM visitors v JOIN memberships m ON m.visitor_id = v.visitor_id WHERE m.segment = 'aud-carters' AND v.erased = 0 ORDER BY v.intent DESC LIMIT 200",
    ).all<{ intent: number }>();
    expect(body.members.map((m) => m.scores.intent)).toEqual(all.results.map((r) => r.intent));
    expect(body.members[0]!.factors!.length).toBeGreaterThan(0);
    // The live visitors' tokens carried an email: it never left their profiles.
    const leaked = await testEnv.AUDIENCE.prepare("SELECT COUNT(*) AS n FROM visitors WHERE traits LIKE '%email%' OR traits LIKE '%example.com%'").first<{ n: number }>();
    expect(leaked!.n).toBe(0);
    const identified = body.members.find((m) => m.userId);
    if (identified) expect(Object.keys(identified.traits).sort()).toEqual(["first_name", "tier"]);
  });

  it("bad parameters are refused with their path", async () => {
    expect((await admin<{ path: string }>("/audiences/top?by=shoe-size")).body.path).toBe("$.order");
    expect((await admin<{ path: string }>("/audiences/aud-buyers?limit=0")).body.path).toBe("$.limit");
    expect((await admin<{ path: string }>("/audiences/aud-buyers?cursor=zzz")).body.path).toBe("$.cursor");
    expect((await admin("/audiences/no-such-segment")).status).toBe(404);
    expect((await call(new Request("https://shop.test/rujai/admin/audiences"))).status).toBe(401);
  });
});

describe("reach estimate", () => {
  it("counts a segment exactly, samples a draft condition with a 95 % interval, and names the method", async () => {
    const exact = await admin<{ reach: number; method: string }>("/audiences/estimate", { method: "POST", body: JSON.stringify({ when: { segment: "aud-carters" } }) });
    expect(exact.body).toMatchObject({ reach: count((p) => p.carts), method: "exact: counted in the audience index" });
    const sampled = await admin<{ reach: number; low: number; high: number; sampled: number; visitors: number; method: string }>("/audiences/estimate", {
      method: "POST",
      body: JSON.stringify({ when: { count: { event: "page_view", within: "7d" }, atLeast: 1 } }),
    });
    expect(sampled.status).toBe(200);
    expect(sampled.body.sampled).toBe(Math.min(200, sampled.body.visitors));
    expect(sampled.body.low).toBeLessThanOrEqual(sampled.body.reach);
    expect(sampled.body.reach).toBeLessThanOrEqual(sampled.body.high);
    expect(sampled.body.method).toMatch(/^sample: .* 95 % Wilson interval/);
  }, 60_000); // 200 Profile objects asked: slow to create in the local test runtime
  it("refuses a bad or unknown condition with its path", async () => {
    const bad = await admin<{ path?: string; errors?: Array<{ path: string }> }>("/audiences/estimate", { method: "POST", body: JSON.stringify({ when: { count: { event: "view_item", within: "a week" } } }) });
    expect(bad.status).toBe(400);
    const unknown = await admin<{ errors: Array<{ path: string; message: string }> }>("/audiences/estimate", { method: "POST", body: JSON.stringify({ when: { segment: "no-such" } }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]!.path).toBe("$.when.segment");
  });
});

describe("CSV export", () => {
  it("parses back (a real CSV parser) to the same rows: Thai, commas, quotes, newlines, and formulas made inert", async () => {
    const { res } = await admin("/audiences/aud-buyers/export.csv");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM that makes Excel read UTF-8
    const parsed = Papa.parse<Record<string, string>>(new TextDecoder().decode(bytes), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(count((p) => p.buys));
    const byUser = new Map(parsed.data.filter((r) => r.user_id).map((r) => [r.user_id, r]));
    for (const p of plan.filter((x) => x.buys && x.identified)) {
      const row = byUser.get(`user-${p.i}`)!;
      const name = NAMES[p.i % NAMES.length]!;
      expect(row.trait_first_name).toBe(/^[=+\-@]/.test(name) ? `'${name}` : name);
      expect(row.trait_tier).toBe(p.i % 2 ? "gold" : "silver");
    }
    expect(Object.keys(parsed.data[0]!)).not.toContain("trait_email");
  });
});

describe("changes reach the index", () => {
  it("a purchase moves a visitor from not-yet-buyers to buyers; an erasure removes them from every audience and export", async () => {
    const v = ids.get(VISITORS + 1)!; // a live visitor with no purchase yet
    await sendEvents(v, [event("purchase", { transaction_id: "late-1", value: 500 })]);
    const inSegment = async (segment: string) => {
      const rows = await testEnv.AUDIENCE.prepare("SELECT COUNT(*) AS n FROM memberships WHERE segment = ? AND visitor_id = ?").bind(segment, v).first<{ n: number }>();
      return rows!.n === 1;
    };
    await vi.waitFor(async () => expect([await inSegment("aud-buyers"), await inSegment("aud-not-yet-buyers")]).toEqual([true, false]), { timeout: 10_000, interval: 100 });

    const erased = await call(new Request("https://shop.test/rujai/me", { method: "DELETE", headers: { cookie: cookieFor(v) } }));
    expect(erased.status).toBe(200);
    await vi.waitFor(async () => expect(await inSegment("aud-buyers")).toBe(false), { timeout: 10_000, interval: 100 });
    const row = await testEnv.AUDIENCE.prepare("SELECT erased, user_id, traits FROM visitors WHERE visitor_id = ?").bind(v).first();
    expect(row).toEqual({ erased: 1, user_id: null, traits: null });
    const csv = await (await admin("/audiences/aud-buyers/export.csv")).res.text();
    expect(csv).not.toContain(v);
  });

  it("a visitor under Global Privacy Control never enters the index", async () => {
    const v = newVisitor();
    await sendEvents(v, [event("purchase", { transaction_id: "gpc-1", value: 100 })], Date.now(), { "sec-gpc": "1" });
    await new Promise((r) => setTimeout(r, 1_500)); // longer than the queue's batch timeout
    expect(await testEnv.AUDIENCE.prepare("SELECT COUNT(*) AS n FROM visitors WHERE visitor_id = ?").bind(v).first()).toEqual({ n: 0 });
  });
});

describe("out-of-order deliveries", () => {
  const row = (segments: string[], intent: number): AudienceRow => ({
    userId: null, segments: segments.map((name) => ({ name, since: 1 })), intent, intentFactors: [], engagement: 1, rfm: null, orders: 0, value: 0, topCategory: null, lastSeen: 0, traits: {},
  });
  const state = async (visitorId: string) => ({
    visitor: await testEnv.AUDIENCE.prepare("SELECT version, erased, intent FROM visitors WHERE visitor_id = ?").bind(visitorId).first(),
    segments: (await testEnv.AUDIENCE.prepare("SELECT segment FROM memberships WHERE visitor_id = ? ORDER BY segment").bind(visitorId).all<{ segment: string }>()).results.map((r) => r.segment),
  });

  it("the newest version wins whatever the order, and a late row never resurrects an erased visitor", async () => {
    const v = `ooo-${crypto.randomUUID()}`;
    const m1: AudienceMessage = { visitorId: v, version: 10, row: row(["a"], 0.1) };
    const m2: AudienceMessage = { visitorId: v, version: 20, row: row(["a", "b"], 0.2) };
    const m3: AudienceMessage = { visitorId: v, version: 30, row: row(["c"], 0.3) };
    await writeAudience(testEnv.AUDIENCE, [m3, m1]);
    await writeAudience(testEnv.AUDIENCE, [m2]);
    expect(await state(v)).toEqual({ visitor: { version: 30, erased: 0, intent: 0.3 }, segments: ["c"] });

    await writeAudience(testEnv.AUDIENCE, [{ visitorId: v, version: 40, erased: true }, m2]);
    await writeAudience(testEnv.AUDIENCE, [m3]);
    expect(await state(v)).toEqual({ visitor: { version: 40, erased: 1, intent: null }, segments: [] });
  });
});
