/**
 * The reverse proxy's one promise: every request goes to exactly ORIGIN's scheme, host and
 * port, whatever its request line says; rujai's cookies and hop-by-hop headers stay behind.
 */
import { describe, expect, it } from "vitest";
import { originRequest, parseOrigin, upstreamHeaders, upstreamUrl } from "../../worker/edge/origin-request";

const origin = parseOrigin("https://shop.example.com:8443");

describe("upstreamUrl", () => {
  it.each([
    ["a plain path", "https://edge.test/p/sn-court?q=1", "https://shop.example.com:8443/p/sn-court?q=1"],
    ["a path that starts with //", "https://edge.test//evil.example/x", "https://shop.example.com:8443//evil.example/x"],
    ["backslashes", "https://edge.test/\\\\evil.example/x", "https://shop.example.com:8443///evil.example/x"],
    ["encoded slashes", "https://edge.test/%2F%2Fevil.example/x", "https://shop.example.com:8443/%2F%2Fevil.example/x"],
    ["dot segments", "https://edge.test/..//evil.example/x", "https://shop.example.com:8443//evil.example/x"],
    ["an @ in the path", "https://edge.test/@evil.example", "https://shop.example.com:8443/@evil.example"],
    ["an absolute-form target for another host", "http://evil.example:81/steal?x=1", "https://shop.example.com:8443/steal?x=1"],
    ["a tab and newline in the path", "https://edge.test/a\t\n//evil.example", "https://shop.example.com:8443/a//evil.example"],
  ])("%s stays on the origin", (_name, incoming, expected) => {
    // The runtime hands the worker a parsed URL: the same as `new Request(incoming).url`.
    const url = new URL(upstreamUrl(new Request(incoming).url, origin));
    expect(url.href).toBe(expected);
    expect(url.origin).toBe("https://shop.example.com:8443");
  });

  it("keeps ORIGIN's path prefix and joins the request's path after it", () => {
    expect(upstreamUrl("https://edge.test//evil.example/x", parseOrigin("http://127.0.0.1:9000/shop/"))).toBe("http://127.0.0.1:9000/shop//evil.example/x");
  });

  it.each(["not a url", "ftp://shop.example.com", "https://user:pw@shop.example.com", "https://shop.example.com/?a=1", "javascript:alert(1)"])(
    "refuses the ORIGIN setting %s",
    (setting) => expect(() => parseOrigin(setting)).toThrow(/ORIGIN/),
  );
});

describe("upstreamHeaders", () => {
  it("strips rujai's cookies and keeps the site's own", () => {
    const h = upstreamHeaders(new Headers({ cookie: "session=abc; rujai_id=v-123456789012345; rujai_seg=x.y; theme=dark" }), "https://edge.test/");
    expect(h.get("cookie")).toBe("session=abc; theme=dark");
    expect(upstreamHeaders(new Headers({ cookie: "rujai_id=v-1234567890123456" }), "https://edge.test/").has("cookie")).toBe(false);
  });
  it("drops hop-by-hop headers and those the Connection header names", () => {
    const h = upstreamHeaders(
      new Headers({ connection: "keep-alive, x-secret-hop", "keep-alive": "timeout=5", te: "trailers", upgrade: "websocket", "x-secret-hop": "1", "proxy-authorization": "Basic x", accept: "text/html" }),
      "https://edge.test/",
    );
    for (const name of ["connection", "keep-alive", "te", "upgrade", "x-secret-hop", "proxy-authorization"]) expect(h.has(name)).toBe(false);
    expect(h.get("accept")).toBe("text/html");
  });
  it("says which host and scheme the visitor asked for", () => {
    const h = upstreamHeaders(new Headers(), "https://www.shop.test/p");
    expect([h.get("x-forwarded-host"), h.get("x-forwarded-proto")]).toEqual(["www.shop.test", "https"]);
  });
});

describe("originRequest", () => {
  it("forwards method and body of a form post, never following redirects", async () => {
    const r = originRequest(new Request("https://edge.test//evil.example/cart", { method: "POST", body: "qty=2" }), origin);
    expect([r.method, r.url, r.redirect, await r.text()]).toEqual(["POST", "https://shop.example.com:8443//evil.example/cart", "manual", "qty=2"]);
  });
});
