/** The admin API: guarded, validating, versioned, reversible, and able to explain itself. */
import { beforeEach, describe, expect, it } from "vitest";
import { call, event, getPage, newVisitor, putRules, sendEvents, slotOf, testEnv } from "../support/worker";
import { shopRules, SNEAKER_HTML } from "../support/rules";
import demoRules from "../../demo-site/rules.json";
import { bucket } from "../../worker/core/hash";
import { forgetRules } from "../../worker/rules/store";
import fc from "fast-check";

const TOKEN = "test-admin-token"; // vitest.config.ts
const admin = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set("authorization", `Bearer ${init.token ?? TOKEN}`);
  return call(new Request(`https://shop.test/rujai/admin${path}`, { ...init, headers }));
};
const put = (doc: unknown, headers: Record<string, string> = {}) =>
  admin("/rules", { method: "PUT", body: typeof doc === "string" ? doc : JSON.stringify(doc), headers: { "x-rujai-author": "Nok (marketing)", ...headers } });
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

beforeEach(async () => {
  await testEnv.RULES.delete("rules");
  const old = await testEnv.RULES.list({ prefix: "rules:history:" });
  await Promise.all(old.keys.map((k) => testEnv.RULES.delete(k.name)));
  forgetRules();
});

describe("access", () => {
  it("refuses a missing or wrong token with 401", async () => {
    const none = await admin("/rules", { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await admin("/rules", { token: "test-admin-tokeN" })).status).toBe(401);
    expect((await admin("/rules/history", { token: "" })).status).toBe(401);
  });
  it("is off, not open, when no ADMIN_TOKEN is configured", async () => {
    const res = await call(new Request("https://shop.test/rujai/admin/rules", { headers: { authorization: "Bearer anything" } }), { ADMIN_TOKEN: "" });
    expect(res.status).toBe(503);
  });
});

describe("saving rules", () => {
  it("refuses an invalid document with every error's path and keeps serving the old one", async () => {
    expect((await put(shopRules)).status).toBe(200);
    const fan = newVisitor();
    await sendEvents(fan, ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" })));
    const broken = structuredClone(shopRules) as unknown as { segments: Record<string, { when: unknown }>; slots: Record<string, unknown[]> };
    broken.segments["sneaker-fans"]!.when = { count: { event: "view_item", within: "7 days" }, atLeast: 3 };
    broken.slots.hero!.push({ id: "new", show: "sneaker-fanz", html: "{{trait.name}} {{nope}}" });
    const res = await put(broken);
    expect(res.status).toBe(400);
    const body = await json<{ errors: Array<{ path: string }> }>(res);
    // The schema error and the unknown segment in one pass.
    expect(body.errors.map((e) => e.path).sort()).toEqual(["$.segments[\"sneaker-fans\"].when.count.within", "$.slots.hero[2].show"]);
    broken.segments["sneaker-fans"]!.when = { count: { event: "view_item", within: "7d" }, atLeast: 3 };
    const second = await json<{ errors: Array<{ path: string; message: string }> }>(await put(broken));
    expect(second.errors).toEqual([
      { path: "$.slots.hero[2].html", message: "unknown placeholder {{nope}} (known: trait.<name>, top.category, engagement, intent, rfm)" },
      { path: "$.slots.hero[2].show", message: 'unknown segment "sneaker-fanz"; did you mean "sneaker-fans"?' },
    ]);
    expect(slotOf(await (await getPage("/", fan)).text(), "hero").content).toBe(SNEAKER_HTML);
    expect((await json<{ versions: unknown[] }>(await admin("/rules/history"))).versions).toHaveLength(1);
  });

  it("saves a valid document with who, when and what changed; pages use it at once", async () => {
    const first = await json<{ version: string; summary: string; author: string }>(await put(shopRules));
    expect(first).toMatchObject({ summary: "first version", author: "Nok (marketing)" });
    const changed = structuredClone(shopRules);
    changed.slots.hero![1]!.variants![0]!.html = "<h2>Sneaker week</h2>";
    const second = await json<{ version: string; summary: string }>(await put(changed));
    expect(second.summary).toBe("hero ~sneakers-20");
    const fan = newVisitor();
    await sendEvents(fan, ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" })));
    expect(slotOf(await (await getPage("/", fan)).text(), "hero").content).toBe("<h2>Sneaker week</h2>");
    const current = await json<{ version: string }>(await admin("/rules"));
    expect(current.version).toBe(second.version);
  });

  it("refuses a save based on an older version (If-Match) with 409", async () => {
    const first = await json<{ version: string }>(await put(shopRules));
    await put({ ...shopRules, timezone: "Asia/Tokyo" });
    const stale = await put({ ...shopRules, timezone: "UTC" }, { "if-match": `"${first.version}"` });
    expect(stale.status).toBe(409);
  });

  it("lists history newest first and rolls back to an earlier version", async () => {
    const first = await json<{ version: string }>(await put(shopRules));
    await put({ ...shopRules, slots: {} });
    const history = await json<{ versions: Array<{ version: string; summary: string }> }>(await admin("/rules/history"));
    expect(history.versions.map((v) => v.summary)).toEqual(["hero −cart-reminder −sneakers-20; promo −evening-ship", "first version"]);
    const old = await json<{ document: unknown }>(await admin(`/rules/history/${first.version}`));
    expect(old.document).toEqual(JSON.parse(JSON.stringify(shopRules)));
    const back = await json<{ version: string; summary: string }>(await admin("/rules/rollback", { method: "POST", body: JSON.stringify({ version: first.version }) }));
    expect(back.version).toBe(first.version);
    expect(back.summary).toMatch(/^rollback to /);
    expect(await testEnv.RULES.get("rules")).toBe(JSON.stringify(shopRules));
    expect((await admin("/rules/rollback", { method: "POST", body: JSON.stringify({ version: "nope" }) })).status).toBe(404);
  });

  it("validates without saving, with plain-language summaries", async () => {
    const res = await admin("/rules/validate", { method: "POST", body: JSON.stringify(demoRules) });
    const body = await json<{ valid: boolean; segments: Array<{ name: string; summary: string }> }>(res);
    expect(body.valid).toBe(true);
    expect(body.segments.find((s) => s.name === "sneaker-fans")?.summary).toBe(
      "viewed a product (category = \"sneakers\") at least 3 times in the last 7 days",
    );
    expect(await testEnv.RULES.get("rules")).toBeNull();
  });
});

describe("fuzzed saves", () => {
  it("random documents never crash the worker and, when invalid, are never stored", async () => {
    expect((await put(shopRules)).status).toBe(200);
    const kept = await testEnv.RULES.get("rules");
    const nearlyValid = fc.record({ segments: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()), slots: fc.jsonValue() }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), nearlyValid, fc.string()), async (doc) => {
        const res = await put(typeof doc === "string" ? doc : JSON.stringify(doc));
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(await testEnv.RULES.get("rules")).toBe(kept);
        else await put(shopRules); // a valid random document (e.g. {}) was saved: restore
      }),
      { numRuns: 80 },
    );
  });
});

describe("preview", () => {
  // Wednesday 18:00 in Bangkok.
  const AT = "2026-03-04T11:00:00Z";
  interface PreviewResult {
    localTime: string;
    scores: { intent: { score: number; factors: Array<{ name: string; value: unknown; effect: number }> }; engagement: { level: number } };
    segments: Array<{ name: string; holds: boolean; explanation: { text: string; children?: Array<{ text: string; holds: boolean }> } }>;
    slots: Array<{ slot: string; shown: { rule: string; variant: string; html: string | null } | null; rules: Array<{ rule: string; outcome: string; reasons: string[] }> }>;
  }
  const previewOf = async (body: unknown) => json<PreviewResult>(await admin("/preview", { method: "POST", body: JSON.stringify(body) }));

  it("explains a hand-written profile against the demo rules: who wins, who loses and why", async () => {
    await putRules(JSON.stringify(demoRules));
    const result = await previewOf({
      at: AT,
      profile: {
        events: [
          { type: "view_item", ago: "2h", props: { category: "sneakers" } },
          { type: "view_item", ago: "1d", props: { category: "sneakers" } },
          { type: "view_item", ago: "3d", props: { category: "sneakers" } },
          { type: "page_view", ago: "3d" },
        ],
      },
    });
    expect(result.localTime).toBe("18:00");
    const fans = result.segments.find((s) => s.name === "sneaker-fans")!;
    expect(fans.holds).toBe(true);
    expect(fans.explanation.text).toContain("measured 3");
    const hesitant = result.segments.find((s) => s.name === "hesitant")!;
    expect(hesitant.holds).toBe(false);
    expect(hesitant.explanation.children?.[0]).toEqual({ text: "added to cart at least 1 times in the last 3 days — measured 0", holds: false });

    const hero = result.slots.find((s) => s.slot === "hero")!;
    const inHoldout = bucket("preview-visitor", "sneakers-20:holdout") < 0.1;
    expect(hero.rules.find((r) => r.rule === "sneakers-20")?.outcome).toBe(inHoldout ? "holdout" : "shown");
    expect(hero.rules.find((r) => r.rule === "cart-reminder")).toMatchObject({ outcome: "not eligible", reasons: ['segment "hesitant" does not hold'] });
    expect(hero.rules.find((r) => r.rule === "welcome-back")).toMatchObject({ outcome: "lost on priority" });
    expect(result.slots.find((s) => s.slot === "promo")?.shown?.rule).toBe("evening-ship");
    expect(result.scores.intent.factors).toContainEqual({ name: "product views in 7 days", value: 3, effect: 0.35 });
  });

  it("previews a real visitor by id, and a draft document before it is saved", async () => {
    await putRules(shopRules);
    const v = newVisitor();
    await sendEvents(v, [event("add_to_cart", { item_id: "x", category: "dresses" }, Date.now() - 40 * 60_000)]);
    const real = await previewOf({ visitorId: v });
    expect(real.slots.find((s) => s.slot === "hero")?.shown?.rule).toBe("cart-reminder");
    const draft = { ...shopRules, slots: { hero: [{ id: "draft", show: "hesitant", html: "Draft for {{top.category}}" }] } };
    const drafted = await previewOf({ visitorId: v, rules: draft });
    expect(drafted.slots[0]?.shown).toEqual({ rule: "draft", variant: "default", html: "Draft for dresses" });
    const bad = await admin("/preview", { method: "POST", body: JSON.stringify({ rules: { segments: 1 } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).toBe("$.rules.segments");
  });

  it("renders the shop page as the profile would see it, without the tracking script", async () => {
    await putRules(shopRules);
    const res = await admin("/preview/page", {
      method: "POST",
      body: JSON.stringify({ path: "/", at: AT, profile: { events: [1, 2, 3].map(() => ({ type: "view_item", ago: "1h", props: { category: "sneakers" } })) } }),
    });
    const html = await res.text();
    expect(slotOf(html, "hero").content).toBe(SNEAKER_HTML);
    expect(slotOf(html, "promo").rule).toBe("evening-ship");
    expect(html).not.toContain('src="/rujai.js"');
  });
});

describe("GET /rujai/rules.schema.json", () => {
  it("publishes the JSON Schema generated from the rules schema", async () => {
    const res = await call(new Request("https://shop.test/rujai/rules.schema.json"));
    expect(res.headers.get("content-type")).toContain("application/schema+json");
    const schema = (await res.json()) as { properties: Record<string, unknown>; $defs?: unknown };
    expect(Object.keys(schema.properties).sort()).toEqual(["$schema", "audience", "destinations", "messageCap", "scores", "segments", "slots", "timezone", "triggers"]);
  });
});
