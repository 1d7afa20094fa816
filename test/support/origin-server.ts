/**
 * A real origin on loopback for the worker's reverse-proxy mode: pages with and without
 * slots, a slot streamed in tiny chunks, a redirect, an image, a non-UTF-8 page.
 * Runs in Node (vitest globalSetup); tests get its URL with inject("originUrl").
 */
import { createServer, type Server } from "node:http";
import type { TestProject } from "vitest/node";

export const SLOT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>ร้านค้า</title></head><body>
<div data-rujai-slot="promo">โปรโมชันปกติ default promo</div>
<section data-rujai-slot="hero"><h1>สวัสดี default hero</h1></section>
<p>ท้ายหน้า end of page</p></body></html>`;

export const PLAIN_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>ไม่มีสล็อต</title></head><body>
<!-- a comment the worker must keep --><p>ภาษาไทย   spacing  kept</p></body></html>`;

export const PNG_BYTES = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");

const CHUNKED = [
  '<!doctype html><html><body><div data-ru', 'jai-slot="hero"><h1>de', 'fault ', 'he', 'ro</h1><p>pa', 'rt two</p></d', 'iv>',
  "<p>ท้าย", "หน้า end</p></body></html>",
];

function handle(path: string, res: import("node:http").ServerResponse) {
  switch (path) {
    case "/slots":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "x-origin": "kept", "cache-control": "public, max-age=60" });
      return res.end(SLOT_PAGE);
    case "/plain":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "set-cookie": "origin_session=abc; Path=/" });
      return res.end(PLAIN_PAGE);
    case "/chunked": {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      let i = 0;
      const next = () => (i < CHUNKED.length ? res.write(CHUNKED[i++], () => setTimeout(next, 5)) : res.end());
      return next();
    }
    case "/image.png":
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(PNG_BYTES);
    case "/moved":
      res.writeHead(302, { location: "/slots" });
      return res.end();
    case "/tis620":
      res.writeHead(200, { "content-type": "text/html; charset=tis-620" });
      return res.end(Buffer.from([0x3c, 0x64, 0x69, 0x76, 0x20, 0xca, 0xc7, 0xd1, 0xca, 0x3e]));
    default:
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("not found");
  }
}

let server: Server | undefined;

export async function setup(project: TestProject) {
  server = createServer((req, res) => handle(new URL(req.url ?? "/", "http://x").pathname, res));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("origin server has no port");
  project.provide("originUrl", `http://127.0.0.1:${address.port}`);
}

export async function teardown() {
  await new Promise((resolve) => server?.close(resolve));
}

declare module "vitest" {
  export interface ProvidedContext {
    originUrl: string;
  }
}
