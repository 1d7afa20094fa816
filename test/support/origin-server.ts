/**
 * A real origin on loopback for the worker's reverse-proxy mode: pages with and without
 * slots, a slot streamed in tiny chunks, a redirect, an image, non-UTF-8 pages, a huge page
 * without Content-Length, an echo of what it was sent, and faults (500, hanging before
 * headers, hanging mid-body). A second server stands for an attacker's host and counts what
 * reaches it; a closed port stands for an origin that is down.
 * Runs in Node (vitest globalSetup); tests get its URL with inject("originUrl"). The pages
 * themselves are in origin-pages.ts, so tests inside workerd can compare against them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import {
  HANGING_BODY_HEAD, HUGE_PAGE_FILLER, HUGE_PAGE_FILLER_CHUNKS, HUGE_PAGE_HEAD, HUGE_PAGE_TAIL,
  PLAIN_PAGE, PNG_BYTES, SLOT_PAGE, TIS620_BYTES, WINDOWS874_META_PAGE,
} from "./origin-pages";

const CHUNKED = [
  '<!doctype html><html><body><div data-ru', 'jai-slot="hero"><h1>de', 'fault ', 'he', 'ro</h1><p>pa', 'rt two</p></d', 'iv>',
  "<p>ท้าย", "หน้า end</p></body></html>",
];

function handle(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  switch (path) {
    case "/echo":
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers }));
    case "/windows-874-meta":
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(WINDOWS874_META_PAGE);
    case "/huge-chunked": {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.write(HUGE_PAGE_HEAD);
      for (let i = 0; i < HUGE_PAGE_FILLER_CHUNKS; i++) res.write(HUGE_PAGE_FILLER);
      return res.end(HUGE_PAGE_TAIL);
    }
    case "/error":
      res.writeHead(500, { "content-type": "text/html; charset=utf-8" });
      return res.end("<h1>origin error page</h1>");
    case "/slow-file": {
      // A download slower than the page body budget: it must arrive whole.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write("first half, ");
      setTimeout(() => res.end("second half"), 600);
      return;
    }
    case "/hang-headers":
      return; // never answers
    case "/hang-body":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.write(HANGING_BODY_HEAD); // and never ends
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

const servers: Server[] = [];

/**
 * A message receiver for trigger deliveries: records every request (path, headers, body) and
 * answers by path — /ok 200, /flaky/<key> 500 twice then 200, /down always 500, and LINE's
 * /v2/bot/message/push 200. GET /__received lists what arrived.
 */
const received: Array<{ path: string; headers: Record<string, string | string[] | undefined>; body: string }> = [];
const flaky = new Map<string, number>();
function receive(req: IncomingMessage, res: ServerResponse) {
  if (req.url === "/__received") return res.end(JSON.stringify(received));
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const path = req.url ?? "/";
    received.push({ path, headers: req.headers, body });
    let status = path.startsWith("/down") ? 500 : 200;
    if (path.startsWith("/flaky/")) {
      const n = (flaky.get(path) ?? 0) + 1;
      flaky.set(path, n);
      status = n <= 2 ? 500 : 200;
    }
    res.writeHead(status, { "content-type": "application/json" }).end("{}");
  });
}
/** What reached the attacker's server (its /__hits answer excluded). */
const attackerHits: string[] = [];

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("loopback server has no port");
  return `http://127.0.0.1:${address.port}`;
}

export async function setup(project: TestProject) {
  project.provide("originUrl", await listen(handle));
  project.provide(
    "attackerUrl",
    await listen((req, res) => {
      if (req.url === "/__hits") return res.end(JSON.stringify(attackerHits));
      attackerHits.push(`${req.method} ${req.url} cookie=${req.headers.cookie ?? ""}`);
      res.end("attacker page");
    }),
  );
  project.provide("receiverUrl", await listen(receive));
  // A port that was listening a moment ago and no longer is: connection refused.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));
  project.provide("closedOriginUrl", `http://127.0.0.1:${port}`);
}

export async function teardown() {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}
