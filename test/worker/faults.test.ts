/**
 * Personalization never breaks the host page: slow or failing profiles, broken rules,
 * throwing renderers, streamed slots, and everything that must pass through untouched.
 */
import { beforeEach, describe, expect, inject, it } from "vitest";
import { event, getPage, newVisitor, putRules, sendEvents, slotOf, testEnv, setCookies } from "../support/worker";
import { SNEAKER_HTML, shopRules } from "../support/rules";
import { PLAIN_PAGE, PNG_BYTES, SLOT_PAGE, TIS620_BYTES } from "../support/origin-pages";
import { rewriteSlots } from "../../worker/edge/rewrite";
import type { Settings } from "../../worker/settings";

const originUrl = () => inject("originUrl");
const sneakerFan = async () => {
  const v = newVisitor();
  const views = ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" }));
  expect((await sendEvents(v, views)).status).toBe(200);
  return v;
};

/** A PROFILE binding whose objects never answer, or fail: the runtime faults we must survive. */
function brokenProfiles(pageView: () => Promise<unknown>): Settings["PROFILE"] {
  const namespace = { idFromName: (name: string) => testEnv.PROFILE.idFromName(name), get: () => ({ pageView }) };
  return namespace as unknown as Settings["PROFILE"];
}

beforeEach(() => putRules(shopRules));

describe("a failing profile", () => {
  it("that hangs: the page comes back within the budget with default slots", async () => {
    const v = await sneakerFan();
    // A lookup that never answers would hang this test without the time box.
    const res = await getPage("/slots", v, { ORIGIN: originUrl(), PROFILE: brokenProfiles(() => new Promise(() => {})) });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toBe(SLOT_PAGE);
    expect(res.headers.get("server-timing")).toMatch(/desc="segments skipped"/);
  });
  it("that throws: the page is served unchanged", async () => {
    const v = await sneakerFan();
    const res = await getPage("/slots", v, {
      ORIGIN: originUrl(),
      PROFILE: brokenProfiles(() => Promise.reject(new Error("profile exploded"))),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SLOT_PAGE);
  });
});

describe("a failing KV", () => {
  const kv = (get: () => Promise<unknown>) => ({ get, list: async () => ({ keys: [] }) }) as unknown as KVNamespace;
  it.each([
    ["that throws", () => Promise.reject(new Error("KV unavailable"))],
    ["that hangs", () => new Promise(() => {})],
  ])("%s: the page comes back unchanged within the budget", async (_name, get) => {
    const v = await sneakerFan();
    // A fresh isolate copy of the rules is not at hand: every request reads KV (RULES_REFRESH_MS 0).
    const res = await getPage("/slots", v, { ORIGIN: originUrl(), RULES: kv(get) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SLOT_PAGE);
    expect(res.headers.get("server-timing")).toMatch(/desc="segments skipped"/);
  });
});

describe("a broken rules document in KV", () => {
  it("keeps serving the last good rules", async () => {
    const v = await sneakerFan();
    const personalized = (html: string) => slotOf(html, "hero").content === SNEAKER_HTML;
    expect(personalized(await (await getPage("/", v)).text())).toBe(true);

    await putRules("{ this is not json");
    expect(personalized(await (await getPage("/", v)).text())).toBe(true);

    await putRules(JSON.stringify({ segments: { x: { when: { count: { event: "view_item" }, atLeast: "three" } } }, slots: {} }));
    expect(personalized(await (await getPage("/", v)).text())).toBe(true);

    // A good change is taken at once (RULES_REFRESH_MS is 0 in tests).
    await putRules({ ...shopRules, slots: {} });
    expect(personalized(await (await getPage("/", v)).text())).toBe(false);
  });
});

describe("pass-through", () => {
  it("a page without slots comes out byte for byte, origin cookies kept", async () => {
    const v = await sneakerFan();
    const res = await getPage("/plain", v, { ORIGIN: originUrl() });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PLAIN_PAGE);
    expect(setCookies(res)).toContain("origin_session=abc; Path=/");
  });
  it("a non-HTML asset is untouched", async () => {
    const v = await sneakerFan();
    const res = await getPage("/image.png", v, { ORIGIN: originUrl() });
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG_BYTES);
    expect(res.headers.get("server-timing")).toBeNull();
  });
  it("a redirect goes to the browser as it is", async () => {
    const res = await getPage("/moved", await sneakerFan(), { ORIGIN: originUrl() });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/slots");
  });
  it("a page in another charset is not rewritten", async () => {
    const res = await getPage("/tis620", await sneakerFan(), { ORIGIN: originUrl() });
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(TIS620_BYTES);
  });
  it("the demo shop's static files are served", async () => {
    const res = await getPage("/assets/shop.css");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("--brand");
  });
});

describe("streaming", () => {
  it("a slot whose content arrives in many small chunks is swapped and the page is complete", async () => {
    const res = await getPage("/chunked", await sneakerFan(), { ORIGIN: originUrl() });
    expect(await res.text()).toBe(
      `<!doctype html><html><body><div data-rujai-slot="hero" data-rujai-rule="sneakers-20" data-rujai-variant="a">${SNEAKER_HTML}</div><p>ท้ายหน้า end</p></body></html>`,
    );
  });
  it("a rule whose rendering throws leaves that slot as default and the page complete", async () => {
    const slots = new Map([
      ["hero", { rule: "bad", variant: "a", render: (): string => { throw new Error("template failed"); } }],
      ["promo", { rule: "good", variant: "a", render: () => "<b>swapped</b>" }],
    ]);
    const html = await rewriteSlots(new Response(SLOT_PAGE, { headers: { "content-type": "text/html" } }), slots).text();
    expect(slotOf(html, "hero")).toEqual({ rule: null, variant: null, content: "<h1>สวัสดี default hero</h1>" });
    expect(slotOf(html, "promo")).toEqual({ rule: "good", variant: "a", content: "<b>swapped</b>" });
    expect(html.endsWith("<p>ท้ายหน้า end of page</p></body></html>")).toBe(true);
  });
});
