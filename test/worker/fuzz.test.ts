/**
 * Fuzzing every public endpoint inside workerd (fast-check): whatever arrives — deep nesting,
 * huge numbers, odd Unicode, wrong or missing Content-Length, forged cookies — the answer is
 * never a 5xx, and a refused request stores nothing.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { listDurableObjectIds } from "cloudflare:test";
import { call, newVisitor, putRules, testEnv } from "../support/worker";
import { shopRules } from "../support/rules";
import { readCookie } from "../../worker/http/visitor";

const RUNS = 40;
const PROFILES = testEnv.PROFILE as unknown as DurableObjectNamespace<never>;
const stored = async (visitor: string) => {
  const id = PROFILES.idFromName(visitor);
  return (await listDurableObjectIds(PROFILES)).some((other) => other.equals(id));
};

/** JSON nested up to 200 deep: objects and arrays around any JSON value. */
const deep = fc.tuple(fc.integer({ min: 1, max: 200 }), fc.jsonValue(), fc.boolean()).map(([depth, leaf, arrays]) => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = arrays && i % 2 ? [v] : { not: v };
  return v;
});
const hugeNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1.7e308, -1.7e308, 1e20, -0, Number.MAX_SAFE_INTEGER + 2));
const oddText = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.constantFrom("\u0000", "\uD800", "ก\u0E49\u0E49\u0E49", "‮evil", "'\"<>&", "x".repeat(70_000)));
const anyJson = fc.oneof(fc.jsonValue(), deep, hugeNumber, oddText);
/** Text that can travel in a URL or a header at all (no lone surrogates, no control characters). */
const urlText = fc.oneof(fc.string({ unit: "grapheme", maxLength: 100 }), fc.constantFrom("ก\u0E49\u0E49", "‮evil", "'\"<>&", "%", "../..", "x".repeat(3000)));
const headerText = urlText.map((t) => t.replace(/[\u0000-\u001f\u007f]/g, ""));

/** Event-batch-like bodies: near the real shape, with any part replaced. */
const eventish = fc.record({
  id: fc.oneof(fc.uuid(), oddText),
  type: fc.oneof(fc.constantFrom("page_view", "purchase", "impression", "click", "add_to_cart"), oddText),
  ts: fc.oneof(fc.constant(Date.now()), hugeNumber),
  props: fc.oneof(fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 70 }), anyJson, { maxKeys: 40 }), anyJson),
  userId: fc.option(oddText, { nil: undefined }),
  visitorId: fc.option(oddText, { nil: undefined }),
});
const batchBody = fc.oneof(
  fc.record({ sentAt: fc.oneof(fc.constant(Date.now()), hugeNumber), events: fc.array(eventish, { maxLength: 60 }) }).map((b) => JSON.stringify(b)),
  anyJson.map((v) => JSON.stringify(v) ?? "null"),
  oddText,
);
/** A Content-Length that may be missing, wrong, or huge. */
const contentLength = fc.oneof(fc.constant(undefined), fc.constantFrom("0", "1", "65537", "999999999999", "-5", "abc"));

async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
  const res = await call(new Request(`https://shop.test${path}`, { method, ...(body === undefined ? {} : { body }), headers }));
  await res.arrayBuffer();
  return res;
}

describe("no endpoint answers 5xx, whatever it is sent", () => {
  it("POST /rujai/e: and a refused batch stores nothing", async () => {
    await putRules(shopRules);
    await fc.assert(
      fc.asyncProperty(batchBody, contentLength, async (body, length) => {
        const visitor = newVisitor();
        const headers: Record<string, string> = { cookie: `rujai_id=${visitor}`, "content-type": "text/plain" };
        if (length !== undefined) headers["content-length"] = length;
        const res = await send("POST", "/rujai/e", body, headers);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(await stored(visitor)).toBe(false);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("POST /rujai/server/e", async () => {
    await fc.assert(
      fc.asyncProperty(batchBody, async (body) => {
        const res = await send("POST", "/rujai/server/e", body, { authorization: "Bearer test-server-token" });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it("POST /rujai/identify: and a refused login stores nothing", async () => {
    const body = fc.oneof(
      fc.record({ token: fc.oneof(oddText, fc.constant("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), fc.constant("a.b.c")) }).map((b) => JSON.stringify(b)),
      fc.record({ userId: anyJson, traits: anyJson, signature: anyJson }).map((b) => JSON.stringify(b)),
      anyJson.map((v) => JSON.stringify(v) ?? "null"),
      oddText,
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const visitor = newVisitor();
        const res = await send("POST", "/rujai/identify", text, { cookie: `rujai_id=${visitor}` });
        expect(res.status).toBeLessThan(500);
        expect(res.status).not.toBe(200);
        expect(await stored(visitor)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it("GET pages, /rujai/decide, /rujai/me, DELETE /rujai/me, POST /rujai/reset with any path, query and cookie", async () => {
    await putRules(shopRules);
    const cookie = fc.oneof(
      headerText.map((t) => `rujai_id=${t}`),
      fc.tuple(headerText, headerText).map(([a, b]) => `rujai_id=${a}; rujai_seg=${b}`),
      headerText,
      fc.constant("rujai_seg=eyJ2IjoiYSJ9.AAAA; rujai_id=" + "a".repeat(16) + ".AAAAAAAAAAAAAAAAAAAAAA"),
    );
    const path = fc.oneof(fc.webPath(), fc.constantFrom("/rujai/decide?slots=", "/rujai/decide?slots=" + "x,".repeat(500), "/%", "//x", "/rujai/me"));
    const method = fc.constantFrom("GET", "GET", "DELETE", "POST");
    await fc.assert(
      fc.asyncProperty(path, cookie, method, async (p, c, m) => {
        const target = m === "DELETE" ? "/rujai/me" : m === "POST" ? "/rujai/reset" : p;
        const res = await send(m, target, m === "POST" ? "{}" : undefined, { cookie: c, accept: "text/html" });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("the admin API", async () => {
    await putRules(shopRules);
    const calls = fc.oneof(
      anyJson.map((v) => ["PUT", "/rules", JSON.stringify(v) ?? "null"] as const),
      anyJson.map((v) => ["POST", "/rules/validate", JSON.stringify(v) ?? "null"] as const),
      fc.record({ at: anyJson, visitorId: anyJson, profile: anyJson, rules: anyJson, path: anyJson }, { requiredKeys: [] }).map((v) => ["POST", "/preview", JSON.stringify(v)] as const),
      fc.record({ path: oddText }).map((v) => ["POST", "/preview/page", JSON.stringify(v)] as const),
      anyJson.map((v) => ["POST", "/rules/rollback", JSON.stringify(v) ?? "null"] as const),
      urlText.map((t) => ["GET", `/stats?days=${encodeURIComponent(t)}`, undefined] as const),
      urlText.map((t) => ["GET", `/stats/export.csv?days=${encodeURIComponent(t)}`, undefined] as const),
      anyJson.map((v) => ["PUT", "/shadow", JSON.stringify(v) ?? "null"] as const),
      anyJson.map((v) => ["POST", "/intent/fit", JSON.stringify(v) ?? "null"] as const),
      urlText.map((t) => ["GET", `/rules/history/${encodeURIComponent(t)}`, undefined] as const),
      fc.tuple(urlText, urlText, urlText).map(([seg, q, c]) => ["GET", `/audiences/${encodeURIComponent(seg)}?order=${encodeURIComponent(q)}&limit=${encodeURIComponent(q)}&cursor=${encodeURIComponent(c)}`, undefined] as const),
      fc.tuple(urlText, urlText).map(([by, n]) => ["GET", `/audiences/top?by=${encodeURIComponent(by)}&n=${encodeURIComponent(n)}&segment=${encodeURIComponent(by)}`, undefined] as const),
      anyJson.map((v) => ["POST", "/audiences/estimate", JSON.stringify({ when: v })] as const),
    );
    await fc.assert(
      fc.asyncProperty(calls, async ([m, p, body]) => {
        const before = await testEnv.RULES.get("rules");
        const shadowBefore = await testEnv.RULES.get("rules:shadow");
        const res = await send(m, `/rujai/admin${p}`, body, { authorization: "Bearer test-admin-token", "content-type": "application/json" });
        expect(res.status).toBeLessThan(500);
        if (m === "PUT" && res.status >= 400) {
          expect(await testEnv.RULES.get("rules")).toBe(before);
          expect(await testEnv.RULES.get("rules:shadow")).toBe(shadowBefore);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("cookie parsing", () => {
  it("readCookie never throws and finds only the exact name", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (header) => {
        const value = readCookie(header, "rujai_id");
        if (value !== undefined) expect(header).toContain("rujai_id");
      }),
      { numRuns: 500 },
    );
  });
});
