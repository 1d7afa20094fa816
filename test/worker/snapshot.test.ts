/**
 * The hot path: a page for a visitor with a valid segment snapshot needs no Durable Object
 * round trip; a stale, foreign, tampered or outdated snapshot, or a landing page, asks it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { event, getPage, newVisitor, putRules, sendEvents, slotOf, testEnv, setCookies } from "../support/worker";
import { SNEAKER_HTML, shopRules } from "../support/rules";
import type { Settings } from "../../worker/settings";

const MIN = 60_000;
const T0 = Math.ceil(Date.now() / (24 * 60 * MIN)) * 24 * 60 * MIN + 2 * 24 * 60 * MIN + 3 * 60 * MIN; // 10:00 Bangkok, ahead of real time

/** A PROFILE binding that never answers: only a page served from the snapshot can be personalized. */
const downProfiles = {
  idFromName: (name: string) => testEnv.PROFILE.idFromName(name),
  get: () => ({ pageView: () => new Promise(() => {}) }),
} as unknown as Settings["PROFILE"];

async function fanWithSnapshot() {
  const v = newVisitor();
  const res = await sendEvents(v, ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" })));
  const snapshot = setCookies(res).find((c: string) => c.startsWith("rujai_seg="))!.split(";")[0]!;
  return { v, snapshot };
}
const page = (v: string, snapshot: string, overrides: Partial<Settings> = {}, path = "/", headers: Record<string, string> = {}) =>
  getPage(path, undefined, overrides, { cookie: `rujai_id=${v}; ${snapshot}`, ...headers });

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T0);
  await putRules(shopRules);
});
afterEach(() => vi.useRealTimers());

describe("segment snapshot", () => {
  it("serves a personalized page with the profile unreachable", async () => {
    const { v, snapshot } = await fanWithSnapshot();
    const res = await page(v, snapshot, { PROFILE: downProfiles });
    expect(res.headers.get("server-timing")).toMatch(/desc="segments from snapshot"/);
    expect(slotOf(await res.text(), "hero").content).toBe(SNEAKER_HTML);
  });

  it("is not trusted when tampered with, or when it is another visitor's", async () => {
    const { v, snapshot } = await fanWithSnapshot();
    const [payload, mac] = snapshot.slice("rujai_seg=".length).split(".");
    const forged = `rujai_seg=${payload!.slice(0, -2)}AA.${mac}`;
    expect((await page(v, forged)).headers.get("server-timing")).toMatch(/segments from profile/);
    expect((await page(newVisitor(), snapshot)).headers.get("server-timing")).not.toMatch(/from snapshot/);
  });

  it("expires when a segment could change: the hesitant reminder still comes on time", async () => {
    const v = newVisitor();
    const res = await sendEvents(v, [event("add_to_cart", { item_id: "x", category: "dresses" })]);
    const snapshot = setCookies(res).find((c: string) => c.startsWith("rujai_seg="))!.split(";")[0]!;
    expect((await page(v, snapshot)).headers.get("server-timing")).toMatch(/from snapshot/);
    vi.setSystemTime(T0 + 31 * MIN); // past "30 minutes since add_to_cart": the snapshot's end
    const later = await page(v, snapshot);
    expect(later.headers.get("server-timing")).toMatch(/from profile/);
    expect(slotOf(await later.text(), "hero").rule).toBe("cart-reminder");
  });

  it("is not used after the rules change, nor on a landing page", async () => {
    const { v, snapshot } = await fanWithSnapshot();
    expect((await page(v, snapshot, {}, "/?utm_source=line")).headers.get("server-timing")).toMatch(/from profile/);
    expect((await page(v, snapshot, {}, "/", { referer: "https://www.google.com/" })).headers.get("server-timing")).toMatch(/from profile/);
    await putRules({ ...shopRules, timezone: "Asia/Tokyo" });
    expect((await page(v, snapshot)).headers.get("server-timing")).toMatch(/from profile/);
  });

  it("asked again within the minute, the profile's same answer is the same signed cookie, and it verifies", async () => {
    const { v } = await fanWithSnapshot();
    const snapshotOf = (res: Response) => setCookies(res).find((c: string) => c.startsWith("rujai_seg="))!;
    const first = await getPage("/", v);
    vi.setSystemTime(T0 + 20_000);
    const second = await getPage("/", v);
    expect(second.headers.get("server-timing")).toMatch(/segments from profile/);
    expect(snapshotOf(second).split(";")[0]).toBe(snapshotOf(first).split(";")[0]);
    // Max-Age still counts down from this page's own time.
    const maxAge = (res: Response) => Number(/Max-Age=(\d+)/.exec(snapshotOf(res))![1]);
    expect(maxAge(first) - maxAge(second)).toBe(20);
    const next = await page(v, snapshotOf(second).split(";")[0]!);
    expect(next.headers.get("server-timing")).toMatch(/segments from snapshot/);
    expect(slotOf(await next.text(), "hero").content).toBe(SNEAKER_HTML);
  });
});

describe("a page that asks the profile (no snapshot sent back)", () => {
  const views = (ids: string[]) => ids.map((id) => event("view_item", { item_id: id, category: "sneakers" }));
  // Exposures left to the browser: an edge exposure is itself a change to the profile.
  const hero = async (v: string) => {
    const res = await getPage("/", v, { EXPOSURES: "browser" });
    expect(res.headers.get("server-timing")).toMatch(/desc="segments from profile"/);
    return slotOf(await res.text(), "hero").content;
  };
  it("shows the segment the visitor's latest event completed, though the pages before were given the same answer", async () => {
    const v = newVisitor();
    await sendEvents(v, views(["a", "b"]));
    expect(await hero(v)).not.toBe(SNEAKER_HTML);
    expect(await hero(v)).not.toBe(SNEAKER_HTML);
    await sendEvents(v, views(["c"]));
    expect(await hero(v)).toBe(SNEAKER_HTML);
  });
  it("stops showing a segment once its window has passed, though the answer before it was being given again", async () => {
    const v = newVisitor();
    await sendEvents(v, views(["a", "b", "c"]));
    expect(await hero(v)).toBe(SNEAKER_HTML);
    expect(await hero(v)).toBe(SNEAKER_HTML);
    vi.setSystemTime(T0 + 8 * 24 * 60 * MIN);
    expect(await hero(v)).not.toBe(SNEAKER_HTML);
  });
  it("follows the rules: a change to them is seen on the next page", async () => {
    const v = newVisitor();
    await sendEvents(v, views(["a", "b", "c"]));
    expect(await hero(v)).toBe(SNEAKER_HTML);
    await putRules({ ...shopRules, segments: { ...shopRules.segments, "sneaker-fans": { when: { count: { event: "view_item", where: { category: "sneakers" }, within: "7d" }, atLeast: 5 } } } });
    expect(await hero(v)).not.toBe(SNEAKER_HTML);
  });
});
