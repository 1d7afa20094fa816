// The page path's parts, each run many times inside workerd (npm run bench:parts): a part's
// cost is the workerd process's CPU over the loop, less the loop's own (a fresh Request per
// turn, as each page has). Load tests cannot resolve a 2 µs part; this can.
import { visitorOf } from "../worker/http/visitor";
import { decideInTime } from "../worker/edge/decide";
import { exposureRecorder } from "../worker/edge/exposure";
import { originFetchArgs, parseOrigin } from "../worker/edge/origin-request";
import { isRewritable } from "../worker/edge/rewrite";
import { currentRules } from "../worker/rules/store";
import type { Settings } from "../worker/settings";
export { Profile } from "../worker/profile/profile";
export { Stats } from "../worker/stats/stats";
export { Identity } from "../worker/identity/identity";

const origin = parseOrigin("http://127.0.0.1:9/");
const PAGE = "https://shop.test/10%20KB";

/** Each part, given a fresh page request; returns something so the work cannot be skipped. */
const PARTS: Record<string, (request: Request, env: Settings, ctx: ExecutionContext, now: number) => unknown> = {
  "(the loop: a fresh Request)": () => 0,
  "visitor (cookie, bot, GPC)": (request, env) => visitorOf(request, env),
  "decision (whole, incl. visitor)": async (request, env, _ctx, now) => decideInTime(env, request, await visitorOf(request, env), now, 50),
  "exposure check": async (request, env, ctx, now) => {
    const visitor = await visitorOf(request, env);
    return exposureRecorder(env, ctx, request, visitor, await decideInTime(env, request, visitor, now, 50), now);
  },
  "upstream request (headers, URL, signal)": (request) => originFetchArgs(request, origin, new AbortController().signal),
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
