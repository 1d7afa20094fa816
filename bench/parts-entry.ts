// The page path's parts, each run many times inside workerd (npm run bench:parts): a part's
// cost is the workerd process's CPU over the loop, less the loop's own (a fresh Request per
// turn, as each page has). The "steps" build the page path up from the two-slot floor, one
// part at a time; the last line is the whole of it. Load tests cannot resolve a few µs; this
// can, to about ±2 µs with BENCH_N=5000 and 12 rounds.
import { DurableObject } from "cloudflare:workers";
import { visitorOf } from "../worker/http/visitor";
import { decideInTime } from "../worker/edge/decide";
import { exposureRecorder } from "../worker/edge/exposure";
import { originFetchArgs, parseOrigin } from "../worker/edge/origin-request";
import { isRewritable, rewriteSlots, type SlotRendering } from "../worker/edge/rewrite";
import { currentRules } from "../worker/rules/store";
import { visitContext } from "../worker/http/context";
import { servePage } from "../worker/edge/page";
import type { Settings } from "../worker/settings";
export { Profile } from "../worker/profile/profile";
export { Stats } from "../worker/stats/stats";
export { Identity } from "../worker/identity/identity";

/**
 * A Durable Object that does nothing: what a call to one costs before rujai does anything in
 * it (the PING binding), to tell the Profile object's own work from the runtime's.
 */
const SMALL_VIEW = { segments: ["sneaker-fans", "evening"], vars: { top_category: "sneakers" }, validUntil: 1_800_000_000_000, rulesVersion: "0123456789ab" };
const SMALL_CONTEXT = { timezone: "Asia/Bangkok", host: "shop.test", device: "desktop", browser: "chrome" };
export class Ping extends DurableObject {
  nothing(): number {
    return 1;
  }
  echo(_context: unknown): typeof SMALL_VIEW {
    return SMALL_VIEW;
  }
  echoText(_context: string): string {
    return JSON.stringify(SMALL_VIEW);
  }
  override async fetch(request: Request): Promise<Response> {
    await request.text();
    return new Response(JSON.stringify(SMALL_VIEW));
  }
}
let pingId: DurableObjectId | undefined;
function ping(env: Settings): DurableObjectStub<Ping> {
  const ns = (env as unknown as { PING: DurableObjectNamespace<Ping> }).PING;
  return ns.get((pingId ??= ns.idFromName("ping")));
}

const origin = parseOrigin("http://127.0.0.1:9/");
/** Two slot renderings, fixed: the rewriter's work without a decision. */
const FIXED = new Map<string, SlotRendering>([
  ["hero", { rule: "r", variant: "v", render: () => "<h2>swapped</h2>" }],
  ["promo", { rule: "p", variant: "v", render: () => "<b>promo</b>" }],
]);
/** The two-slot floor's rewriter: both slots swapped and marked, nothing decided. */
const bothSlots = () =>
  new HTMLRewriter().on("[data-rujai-slot]", {
    element(e) {
      const slot = e.getAttribute("data-rujai-slot");
      e.setAttribute("data-rujai-rule", "r");
      e.setAttribute("data-rujai-variant", "v");
      e.setInnerContent(slot === "hero" ? "<h2>swapped</h2>" : "<b>promo</b>", { html: true });
    },
  });
/** The bench's 10 KB page (the PAGE_HTML binding) each time, from memory: what is left is the worker's own work. */
let page: { html: string; headers: Record<string, string> } | undefined;
const fromMemory = { fetch: async () => new Response(page!.html, { headers: page!.headers }) };
/** rujai's settings with the page above as its origin (the ASSETS path of fetchOrigin). */
let pageEnv: Settings | undefined;
const PAGE = "https://shop.test/10%20KB";

/**
 * rujai's page path built up from the two-slot floor, to `step`: 1 the visitor, 2 the
 * decision, 3 rujai's rewriter (fixed renderings), 4 the rewritable check and the exposure
 * check, 5 the response's headers. The page comes from memory.
 */
async function pathUpTo(step: number, request: Request, env: Settings, ctx: ExecutionContext, now: number): Promise<number> {
  const visitor = await visitorOf(request, env);
  const decision = step >= 2 ? await decideInTime(env, request, visitor, now, 50) : undefined;
  const origin = await fromMemory.fetch();
  if (step < 3) return (await bothSlots().transform(origin).arrayBuffer()).byteLength;
  if (step >= 4 && !isRewritable(origin)) return 0;
  const response = rewriteSlots(origin, FIXED, step >= 4 ? exposureRecorder(env, ctx, request, visitor, decision, now) : undefined);
  if (step >= 5) {
    const headers = response.headers;
    headers.append("server-timing", `rujai;dur=0;desc="segments from ${decision?.source}"`);
    headers.set("cache-control", "private");
    headers.delete("etag");
    headers.delete("last-modified");
  }
  return (await response.arrayBuffer()).byteLength;
}

/** Each part, given a fresh page request; returns something so the work cannot be skipped. */
const PARTS: Record<string, (request: Request, env: Settings, ctx: ExecutionContext, now: number) => unknown> = {
  "(the loop: a fresh Request)": () => 0,
  "floor: one slot swapped in a 10 KB page from memory, read to the end": async () =>
    (await new HTMLRewriter().on('[data-rujai-slot="hero"]', { element: (e) => void e.setInnerContent("<h2>swapped</h2>", { html: true }) }).transform(await fromMemory.fetch()).arrayBuffer()).byteLength,
  "floor, both slots swapped and marked": async () =>
    (await bothSlots().transform(await fromMemory.fetch()).arrayBuffer()).byteLength,
  "steps: floor two slots + visitor": (request, env, ctx, now) => pathUpTo(1, request, env, ctx, now),
  "steps: + decision": (request, env, ctx, now) => pathUpTo(2, request, env, ctx, now),
  "steps: + rewriteSlots with fixed renderings": (request, env, ctx, now) => pathUpTo(3, request, env, ctx, now),
  "steps: + isRewritable, exposure check": (request, env, ctx, now) => pathUpTo(4, request, env, ctx, now),
  "steps: + response headers": (request, env, ctx, now) => pathUpTo(5, request, env, ctx, now),
  "rujai's page path, the same page from memory (no origin request), read to the end": async (request, env, ctx) =>
    (await (await servePage(request, pageEnv!, ctx)).arrayBuffer()).byteLength,
  "visitor (cookie, bot, GPC)": (request, env) => visitorOf(request, env),
  "decision (whole, incl. visitor)": async (request, env, _ctx, now) => decideInTime(env, request, await visitorOf(request, env), now, 50),
  "exposure check": async (request, env, ctx, now) => {
    const visitor = await visitorOf(request, env);
    return exposureRecorder(env, ctx, request, visitor, await decideInTime(env, request, visitor, now, 50), now);
  },
  "visit context (what a condition may read)": async (request, env) => visitContext(request, (await currentRules(env, Date.now())), env.DEFAULT_TIMEZONE),
  "upstream request (headers, URL, signal)": (request) => originFetchArgs(request, origin, new AbortController().signal),
  "a Durable Object call (RPC) that does nothing": (_request, env) => ping(env).nothing(),
  "… a visit context in, a page view out (as objects)": (_request, env) => ping(env).echo(SMALL_CONTEXT),
  "… the same as JSON text": async (_request, env) => JSON.parse(await ping(env).echoText(JSON.stringify(SMALL_CONTEXT))),
  "… the same through the object's fetch()": async (_request, env) => (await ping(env).fetch("https://ping/", { method: "POST", body: JSON.stringify(SMALL_CONTEXT) })).json(),
  "origin deadline timer": () => clearTimeout(setTimeout(() => {}, 10_000)),
  "rewritable? (status, type, length)": (_request, _env, _ctx, _now) => isRewritable(new Response("<p>", { headers: { "content-type": "text/html; charset=utf-8", "content-length": "3" } })),
  "a Response (for the line above)": () => new Response("<p>", { headers: { "content-type": "text/html; charset=utf-8", "content-length": "3" } }),
};

export default {
  async fetch(request: Request, env: Settings, ctx: ExecutionContext) {
    const url = new URL(request.url);
    if (url.pathname === "/parts") return Response.json(Object.keys(PARTS));
    const part = PARTS[url.searchParams.get("part") ?? ""];
    if (!part) return new Response("no such part", { status: 404 });
    const n = Number(url.searchParams.get("n") ?? 1000);
    const html = (env as unknown as { PAGE_HTML: string }).PAGE_HTML;
    page ??= { html, headers: { "content-type": "text/html; charset=utf-8", "content-length": String(new TextEncoder().encode(html).byteLength), "set-cookie": "origin=1; Path=/" } };
    pageEnv ??= { ...env, ORIGIN: undefined, ASSETS: fromMemory as unknown as Fetcher };
    await currentRules(env, Date.now());
    const now = Date.now();
    let kept = 0;
    for (let i = 0; i < n; i++) if (await part(new Request(PAGE, { headers: request.headers }), env, ctx, now)) kept++;
    // What the decision part decided from, so a run says which path it timed.
    const visitor = await visitorOf(new Request(PAGE, { headers: request.headers }), env);
    const decision = await decideInTime(env, new Request(PAGE, { headers: request.headers }), visitor, now, 50);
    return Response.json({ kept, source: decision?.source });
  },
};
