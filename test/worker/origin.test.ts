/**
 * The reverse proxy against real loopback servers: requests that name another host reach only
 * ORIGIN (a second server stands for the attacker's host and must receive nothing), rujai's
 * cookies stay behind, and the origin's own faults get a clean 502/504 within the stated
 * budgets, never a hang or a page that silently ends early.
 */
import { describe, expect, inject, it } from "vitest";
import { call, getPage, newVisitor, putRules, sendEvents, event, slotOf } from "../support/worker";
import { SNEAKER_HTML, shopRules } from "../support/rules";
import { HANGING_BODY_HEAD, HUGE_PAGE_FILLER, HUGE_PAGE_FILLER_CHUNKS, HUGE_PAGE_HEAD, HUGE_PAGE_TAIL, WINDOWS874_META_PAGE } from "../support/origin-pages";

const ORIGIN = inject("originUrl");
const attacker = inject("attackerUrl");
const attackerHost = new URL(attacker).host;
const attackerHits = async () => (await (await fetch(`${attacker}/__hits`)).json()) as string[];

describe("a request that names another host", () => {
  const targets = [
    `//${attackerHost}/x`,
    `/\\\\${attackerHost}/x`,
    `/%2F%2F${attackerHost}/x`,
    `/..//${attackerHost}/x`,
    `/.%2E//${attackerHost}/x`,
  ];
  it.each(targets)("%s goes to ORIGIN, and the attacker's server receives nothing", async (path) => {
    const res = await call(new Request(`https://shop.test${path}`, { headers: { accept: "text/html", cookie: "rujai_id=v-0123456789abcdef; session=s" } }), { ORIGIN });
    await res.arrayBuffer();
    expect(res.status).toBe(404); // the loopback origin's answer for an unknown path
    expect(await attackerHits()).toEqual([]);
  });
  it("an absolute-form request line is proxied to ORIGIN too", async () => {
    const res = await call(new Request(`${attacker}/steal`, { headers: { accept: "text/html" } }), { ORIGIN });
    expect(await res.text()).toBe("not found");
    expect(await attackerHits()).toEqual([]);
  });
  it("the admin page preview's path cannot leave the site either", async () => {
    const res = await call(
      new Request("https://shop.test/rujai/admin/preview/page", {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ path: `//${attackerHost}/x` }),
      }),
      { ORIGIN },
    );
    await res.arrayBuffer();
    expect(res.status).toBe(422);
    expect(await attackerHits()).toEqual([]);
  });
});

describe("what the origin is sent", () => {
  it("the site's cookies and headers, without rujai's cookies or hop-by-hop headers", async () => {
    const res = await call(
      new Request("https://shop.test/echo?x=1", {
        headers: { accept: "application/json", cookie: "rujai_id=v-0123456789abcdef; rujai_seg=a.b; session=s1", "x-site": "kept", te: "trailers" },
      }),
      { ORIGIN },
    );
    const seen = (await res.json()) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe("/echo?x=1");
    expect(seen.headers.cookie).toBe("session=s1");
    expect(seen.headers["x-site"]).toBe("kept");
    expect(seen.headers["x-forwarded-host"]).toBe("shop.test");
    expect(seen.headers.te).toBeUndefined();
  });
});

describe("when the origin fails", () => {
  it("down: a 502 HTML page at once", async () => {
    const res = await getPage("/", undefined, { ORIGIN: inject("closedOriginUrl") });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toContain("could not be reached");
  });
  it("answering 500: its own error page, passed through", async () => {
    const res = await getPage("/error", undefined, { ORIGIN });
    expect([res.status, await res.text()]).toEqual([500, "<h1>origin error page</h1>"]);
  });
  it("sending no headers: a 504 HTML page after ORIGIN_TIMEOUT_MS", async () => {
    const started = Date.now();
    const res = await getPage("/hang-headers", undefined, { ORIGIN, ORIGIN_TIMEOUT_MS: "300" });
    expect(res.status).toBe(504);
    expect(await res.text()).toContain("did not answer within 0.3 s");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
  it("hanging mid-body: the transfer fails after ORIGIN_BODY_TIMEOUT_MS instead of ending as if complete", async () => {
    const v = newVisitor();
    await putRules(shopRules);
    await sendEvents(v, ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" })));
    const res = await getPage("/hang-body", v, { ORIGIN, ORIGIN_BODY_TIMEOUT_MS: "300" });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = "";
    const decoder = new TextDecoder();
    const outcome = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return "ended";
        received += decoder.decode(value, { stream: true });
      }
    })().catch(() => "failed");
    expect(outcome).toBe("failed");
    // What did arrive was already personalized.
    expect(received).toContain(SNEAKER_HTML);
    expect(HANGING_BODY_HEAD.length).toBeGreaterThan(0);
  });
});

describe("files that are not pages", () => {
  it("stream as long as they take: the page body budget does not cut a slow download", async () => {
    const res = await call(new Request("https://shop.test/slow-file"), { ORIGIN, ORIGIN_BODY_TIMEOUT_MS: "300" });
    expect(await res.text()).toBe("first half, second half");
  });
});

describe("pages the rewriter must not touch, whatever the headers say", () => {
  it("a page with no charset header whose <meta charset> is windows-874 passes through byte for byte", async () => {
    const v = newVisitor();
    await putRules(shopRules);
    await sendEvents(v, ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" })));
    const res = await getPage("/windows-874-meta", v, { ORIGIN });
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(WINDOWS874_META_PAGE);
  });
  it("a 4 MiB page without Content-Length: slots in the first 3 MiB swapped, the rest streamed as it came", async () => {
    const v = newVisitor();
    await putRules(shopRules);
    await sendEvents(v, ["a", "b", "c"].map((id) => event("view_item", { item_id: id, category: "sneakers" })));
    const res = await getPage("/huge-chunked", v, { ORIGIN });
    const html = await res.text();
    const expectedLength = HUGE_PAGE_HEAD.length + HUGE_PAGE_FILLER.length * HUGE_PAGE_FILLER_CHUNKS + HUGE_PAGE_TAIL.length;
    expect(new TextEncoder().encode(HUGE_PAGE_FILLER.repeat(HUGE_PAGE_FILLER_CHUNKS)).byteLength).toBeGreaterThan(4 * 1024 * 1024 - 200_000);
    expect(slotOf(html, "hero").content).toBe(SNEAKER_HTML);
    expect(html.endsWith(HUGE_PAGE_TAIL)).toBe(true);
    expect(html.length - expectedLength).toBe(SNEAKER_HTML.length - "<h1>default hero</h1>".length + ' data-rujai-rule="sneakers-20" data-rujai-variant="a"'.length);
  });
});
