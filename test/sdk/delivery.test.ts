/** Delivery that loses nothing and doubles nothing: batching, IndexedDB, retries, consent. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { core } from "../../sdk/src/rujai";
import { freshIndexedDB, network, settle, stored } from "./helpers";

beforeEach(() => {
  freshIndexedDB();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  Object.defineProperty(navigator, "globalPrivacyControl", { configurable: true, value: false });
});
afterEach(() => vi.useRealTimers());

async function tick(ms: number) {
  await settle();
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

describe("batching", () => {
  it("sends events together after a short delay, as text/plain with sentAt, then forgets them", async () => {
    const net = network();
    const r = core({ base: net.base });
    await tick(0);
    const trackedAt = Date.now();
    r.track("view_item", { item_id: "sn-1", category: "sneakers" });
    r.track("add_to_cart", { item_id: "sn-1", quantity: 1 });
    await tick(500);
    expect(net.sent).toHaveLength(0);
    await tick(600);
    expect(net.sent).toHaveLength(1);
    const { batch, url } = net.sent[0]!;
    expect(url).toBe(`${net.base}/e`);
    // sentAt is read when the batch leaves, after the 1 s delay and the IndexedDB read.
    expect(batch.sentAt).toBeGreaterThanOrEqual(trackedAt + 1000);
    expect(batch.sentAt).toBeLessThanOrEqual(Date.now());
    expect(batch.events.map((e) => e.type)).toEqual(["view_item", "add_to_cart"]);
    expect(batch.events[0]!.props).toEqual({ item_id: "sn-1", category: "sneakers" });
    expect(await stored()).toEqual([]);
  });

  it("sends at once when ten events are waiting, at most 50 per batch", async () => {
    const net = network();
    const r = core({ base: net.base });
    for (let i = 0; i < 60; i++) r.track("page_view", { path: `/${i}` });
    await tick(0);
    await tick(0);
    expect(net.sent.map((s) => s.batch.events.length)).toEqual([50, 10]);
    expect(new Set(net.ids()).size).toBe(60);
  });

  it("events tracked while a batch is in flight follow right after it", async () => {
    let release!: () => void;
    const net = network();
    const send = globalThis.fetch;
    let first = true;
    globalThis.fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
      if (first) {
        first = false;
        await new Promise<void>((r) => (release = r));
      }
      return send(url, init);
    }) as typeof fetch;
    const r = core({ base: net.base });
    r.track("view_item", { item_id: "one" });
    await tick(1000); // the first batch leaves and hangs
    r.track("view_item", { item_id: "two" });
    await tick(1000); // its timer fires while the first is still in flight
    release();
    await tick(0);
    await tick(0);
    expect(net.sent.flatMap((s) => s.batch.events.map((e) => e.props?.item_id))).toEqual(["one", "two"]);
  });

  it("clips strings to 256 characters and leaves out undefined props", async () => {
    const net = network();
    core({ base: net.base }).track("search", { search_term: "ก".repeat(300), missing: undefined });
    await tick(1000);
    expect(net.sent[0]!.batch.events[0]!.props).toEqual({ search_term: "ก".repeat(256) });
  });
});

describe("nothing lost", () => {
  it("keeps events in IndexedDB while offline and retries with growing backoff", async () => {
    let online = false;
    const errors: unknown[] = [];
    const net = network(() => (online ? 200 : "offline"));
    const r = core({ base: net.base, onError: (e) => errors.push(e) });
    r.track("add_to_cart", { item_id: "a" });
    await tick(1000);
    expect((await stored()).map((e) => e.type)).toEqual(["add_to_cart"]);
    expect(errors).toHaveLength(1);
    await tick(1600); // first retry within 0.5–1.5 s
    expect(errors).toHaveLength(2);
    online = true;
    await tick(3100); // second retry within 1–3 s
    expect(net.sent).toHaveLength(1);
    expect(await stored()).toEqual([]);
  });

  it("a 429 is waited out for its Retry-After before the same events go again, and nothing is lost", async () => {
    let limited = true;
    const net = network(() => (limited ? [429, { "retry-after": "30" }] : 200));
    const r = core({ base: net.base });
    r.track("add_to_cart", { item_id: "a" });
    await tick(1000);
    expect(net.sent).toHaveLength(1);
    limited = false;
    await tick(29_000); // plain backoff would have retried within 1.5 s
    expect(net.sent).toHaveLength(1);
    await tick(1_100);
    expect(net.sent).toHaveLength(2);
    expect(net.sent[1]!.batch.events.map((e) => e.props?.item_id)).toEqual(["a"]);
    expect(await stored()).toEqual([]);
  });

  it("a reload (a new tracker on the same browser) sends what the last page could not", async () => {
    let online = false;
    const net = network(() => (online ? 200 : "offline"));
    const first = core({ base: net.base });
    first.track("view_item", { item_id: "before-reload" });
    await tick(1000);
    online = true;
    core({ base: net.base }); // the next page
    await tick(0);
    expect(net.sent.flatMap((s) => s.batch.events.map((e) => e.props?.item_id))).toContain("before-reload");
  });

  it("two tabs never overwrite each other's queued events", async () => {
    const net = network(() => "offline");
    const a = core({ base: net.base });
    const b = core({ base: net.base });
    a.track("view_item", { item_id: "tab-a" });
    b.track("view_item", { item_id: "tab-b" });
    await tick(1000);
    expect((await stored()).map((e) => e.props?.item_id).sort()).toEqual(["tab-a", "tab-b"]);
  });

  it("keeps at most 500 queued events, dropping the oldest and reporting how many", async () => {
    let online = false;
    const net = network(() => (online ? 200 : "offline"));
    const r = core({ base: net.base });
    for (let i = 0; i < 510; i++) r.track("page_view", { path: `/${i}` });
    await tick(0);
    const kept = await stored();
    expect(kept).toHaveLength(500);
    expect(kept.some((e) => e.props?.path === "/0")).toBe(false);
    online = true;
    await tick(2000);
    expect(net.sent[0]!.batch.dropped).toBeGreaterThanOrEqual(10);
  });

  it("a 4xx is not retried (the server judged the batch); a 5xx is", async () => {
    let status = 400;
    const net = network(() => status);
    const r = core({ base: net.base });
    r.track("page_view");
    await tick(1000);
    await tick(5000);
    expect(net.sent).toHaveLength(1);
    status = 503;
    r.track("page_view");
    await tick(1000);
    status = 200;
    await tick(2000);
    expect(net.sent.length).toBe(3);
  });

  it("hands this page's unsent events to a beacon when the page is hidden", async () => {
    const net = network(() => "offline");
    const r = core({ base: net.base });
    r.track("purchase", { transaction_id: "T1", value: 100 });
    dispatchEvent(new Event("pagehide"));
    expect(net.beacons.at(-1)!.batch.events.map((e) => e.type)).toContain("purchase");
  });
});

describe("consent and privacy", () => {
  it("a misconfigured consent throws at init, the only time the SDK throws", () => {
    expect(() => core({ consent: "yes" as never })).toThrow("rujai: bad consent yes");
  });

  it("pending: kept in memory only, sent once granted", async () => {
    const net = network();
    const r = core({ base: net.base, consent: "pending" });
    r.track("view_item", { item_id: "p" });
    await tick(2000);
    expect(net.sent).toHaveLength(0);
    expect(await stored()).toEqual([]);
    r.consent("granted");
    await tick(0);
    expect(net.sent[0]!.batch.events[0]!.props).toEqual({ item_id: "p" });
  });

  it("pending then denied: dropped, never stored or sent", async () => {
    const net = network();
    const r = core({ base: net.base, consent: "pending" });
    r.track("view_item", { item_id: "p" });
    r.consent("denied");
    r.track("view_item", { item_id: "q" });
    await tick(5000);
    dispatchEvent(new Event("pagehide"));
    expect(net.sent).toHaveLength(0);
    expect(net.beacons.flatMap((b) => b.batch.events.map((e) => e.props?.item_id))).not.toContain("p");
    expect(await stored()).toEqual([]);
  });

  it("consent withdrawn: the worker is asked to forget this browser's ids, so pages record nothing more", async () => {
    const net = network();
    const r = core({ base: net.base });
    r.consent("denied");
    await tick(10);
    const calls = (globalThis.fetch as unknown as { mock: { calls: Array<[string, RequestInit]> } }).mock.calls;
    expect(calls.map(([url, init]) => `${init.method} ${url}`)).toContain(`POST ${net.base}/reset`);
  });

  it("Global Privacy Control: nothing is stored and nothing is sent", async () => {
    Object.defineProperty(navigator, "globalPrivacyControl", { configurable: true, value: true });
    const net = network();
    const r = core({ base: net.base });
    r.track("view_item", { item_id: "gpc" });
    await tick(5000);
    expect(net.sent).toHaveLength(0);
    expect(await stored()).toEqual([]);
  });
});
