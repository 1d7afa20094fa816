/** GET /rujai.js — the SDK, long-cached and revalidated by its content hash. */
import { Hono } from "hono";
import { SDK_ETAG, SDK_SCRIPT } from "../generated/sdk";
import type { Settings } from "../settings";

export const script = new Hono<{ Bindings: Settings }>().get("/rujai.js", (c) => {
  c.header("etag", SDK_ETAG);
  c.header("cache-control", "public, max-age=3600, stale-while-revalidate=604800");
  if (c.req.header("if-none-match") === SDK_ETAG) return c.body(null, 304);
  c.header("content-type", "text/javascript; charset=utf-8");
  return c.body(SDK_SCRIPT);
});
