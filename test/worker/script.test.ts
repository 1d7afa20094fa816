/** The SDK as the worker serves it, and the logout reset. */
import { describe, expect, it } from "vitest";
import { call, cookieFor, newVisitor } from "../support/worker";
import { EXTRA_SCRIPT, SDK_ETAG, SDK_SCRIPT } from "../../worker/generated/sdk";

describe("GET /rujai.js and /rujai/extra.js", () => {
  it("serves the built script, long-cached, revalidated by its content hash", async () => {
    const res = await call(new Request("https://shop.test/rujai.js"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toContain("max-age=3600");
    expect(await res.text()).toBe(SDK_SCRIPT);
    const again = await call(new Request("https://shop.test/rujai.js", { headers: { "if-none-match": SDK_ETAG } }));
    expect(again.status).toBe(304);
  });
  it("serves the extras module under the base path", async () => {
    const res = await call(new Request("https://shop.test/rujai/extra.js"));
    expect(await res.text()).toBe(EXTRA_SCRIPT);
    expect(EXTRA_SCRIPT).toContain("dataLayer");
  });
  it("honours a configured base path", async () => {
    const res = await call(new Request("https://shop.test/_p/extra.js"), { BASE_PATH: "/_p" });
    expect(res.status).toBe(200);
  });
});

describe("POST /rujai/reset", () => {
  it("forgets the browser's visitor id (logout) and keeps the profile", async () => {
    const v = newVisitor();
    const res = await call(new Request("https://shop.test/rujai/reset", { method: "POST", headers: { cookie: cookieFor(v) } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^rujai_id=; Path=\/; Max-Age=0/);
  });
});
