/**
 * A real origin on loopback for the worker's reverse-proxy mode: pages with and without
 * slots, a slot streamed in tiny chunks, a redirect, an image, a non-UTF-8 page.
 * Runs in Node (vitest globalSetup); tests get its URL with inject("originUrl"). The pages
 * themselves are in origin-pages.ts, so tests inside workerd can compare against them.
 */
import { createServer, type Server } from "node:http";
import type { TestProject } from "vitest/node";
import { PLAIN_PAGE, PNG_BYTES, SLOT_PAGE, TIS620_BYTES } from "./origin-pages";

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
      return res.end(TIS620_BYTES);
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
