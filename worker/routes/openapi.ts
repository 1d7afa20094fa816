/** GET {base}/openapi.json (the API description) and GET {base}/docs (its interactive reference). */
import { Hono } from "hono";
import { openApiDocument } from "../api/openapi";
import type { Settings } from "../settings";

let published: string | undefined;

export const openApiRoutes = new Hono<{ Bindings: Settings }>()
  .get("/openapi.json", (c) => {
    published ??= JSON.stringify(openApiDocument(c.env.BASE_PATH || "/rujai"));
    c.header("cache-control", "public, max-age=300");
    return c.body(published, 200, { "content-type": "application/json; charset=utf-8" });
  })
  .get("/docs", (c) => {
    const base = c.env.BASE_PATH || "/rujai";
    // Scalar's API reference renders the document in the browser (its script comes from a CDN).
    return c.html(`<!doctype html><html><head><meta charset="utf-8"><title>rujai API</title></head><body>
<script id="api-reference" data-url="${base}/openapi.json"></script>
<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.76.0"></script></body></html>`);
  });
