/**
 * The SDK: GET /rujai.js (the one-tag script) and GET {base}/extra.js (loaded by it on first
 * use of decide/identify/reset or when the page has a GA4 dataLayer). Long-cached and
 * revalidated by content hash.
 */
import { Hono, type Context } from "hono";
import { EXTRA_ETAG, EXTRA_SCRIPT, SDK_ETAG, SDK_SCRIPT } from "../generated/sdk";
import type { Settings } from "../settings";

function serve(c: Context, code: string, etag: string) {
  c.header("etag", etag);
  c.header("cache-control", "public, max-age=3600, stale-while-revalidate=604800");
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  c.header("content-type", "text/javascript; charset=utf-8");
  return c.body(code);
}

export const script = new Hono<{ Bindings: Settings }>().get("/rujai.js", (c) => serve(c, SDK_SCRIPT, SDK_ETAG));
export const extraScript = new Hono<{ Bindings: Settings }>().get("/extra.js", (c) => serve(c, EXTRA_SCRIPT, EXTRA_ETAG));
