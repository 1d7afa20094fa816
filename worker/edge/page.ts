/**
 * A page request: the origin page and the visitor's decision in parallel, the decision
 * time-boxed, then the slots swapped while the page streams. Whatever fails or is late, the
 * origin page goes out unchanged. Pages never set the visitor cookie: only an accepted event
 * batch does, so a visitor whose consent is pending or denied gets none.
 */
import { decideInTime, type Decision } from "./decide";
import { renderSlot } from "../core/select";
import { fetchOrigin } from "./origin";
import { isRewritable, rewriteSlots, type SlotRendering } from "./rewrite";
import { visitorOf } from "../http/visitor";
import { clearSnapshotCookie } from "../http/snapshot";
import { exposureRecorder } from "./exposure";
import type { Settings } from "../settings";

const DEFAULT_BUDGET_MS = 50;

export async function servePage(request: Request, env: Settings, ctx: ExecutionContext): Promise<Response> {
  if (request.method !== "GET") return fetchOrigin(request, env);

  const visitor = await visitorOf(request, env);
  const now = Date.now();
  const budget = Number(env.DECIDE_BUDGET_MS ?? DEFAULT_BUDGET_MS);
  const lookup = async () => {
    const started = Date.now();
    const decision = await decideInTime(env, request, visitor, now, budget);
    return { decision, ms: Date.now() - started };
  };
  // A navigation is looked up alongside the origin fetch; anything else only once the origin
  // says it is HTML, so assets never wait for (or pay for) a profile lookup.
  const navigation = (request.headers.get("accept") ?? "").includes("text/html");
  let pending = navigation ? lookup() : undefined;
  // A browser revalidating its cached copy would get a 304 and keep yesterday's slots:
  // pages are fetched whole, since what they show depends on the visitor, not the origin.
  const origin = await fetchOrigin(navigation ? unconditional(request) : request, env);
  if (!isRewritable(origin)) return origin;
  pending ??= lookup();
  const { decision, ms } = await pending;

  const personalized = decision !== undefined && decision.slots.size > 0;
  const observer = exposureRecorder(env, ctx, request, visitor, decision, now);
  // The transformed (or re-wrapped) response has its own, mutable copy of the origin's headers.
  const response = personalized || observer ? rewriteSlots(origin, decision ? renderings(decision) : new Map(), observer) : new Response(origin.body, origin);
  const headers = response.headers;
  headers.append("server-timing", `rujai;dur=${ms};desc="${decision ? `segments from ${decision.source}` : "segments skipped"}"`);
  // A capped rule's exposure changes what the next page may show: that page asks the profile.
  if (observer && decision?.capped) headers.append("set-cookie", clearSnapshotCookie());
  else if (decision?.snapshotCookie) headers.append("set-cookie", decision.snapshotCookie);
  if (personalized) {
    headers.set("cache-control", privateCacheControl(origin.headers.get("cache-control")));
    headers.delete("etag");
    headers.delete("last-modified");
  }
  return response;
}

function unconditional(request: Request): Request {
  if (!request.headers.has("if-none-match") && !request.headers.has("if-modified-since")) return request;
  const headers = new Headers(request.headers);
  headers.delete("if-none-match");
  headers.delete("if-modified-since");
  return new Request(request, { headers });
}

/**
 * Each slot's rendering, made once per decision: a snapshot's decision serves every page until
 * the snapshot changes (edge/decide.ts), and its templates and values do not change with it.
 * A template that throws is not remembered: it throws (and the slot keeps its default) each time.
 */
const renderingsOf = new WeakMap<Decision, Map<string, SlotRendering>>();

function renderings(decision: Decision): Map<string, SlotRendering> {
  let out = renderingsOf.get(decision);
  if (out) return out;
  out = new Map<string, SlotRendering>();
  for (const [slot, d] of decision.slots) {
    let html: string | null | undefined;
    out.set(slot, { rule: d.rule, variant: d.variant, render: () => (html === undefined ? (html = renderSlot(d, decision.vars)) : html) });
  }
  // Only a snapshot's decision serves more than one page.
  if (decision.source === "snapshot") renderingsOf.set(decision, out);
  return out;
}

/** The page now differs per visitor: no shared cache may keep it. */
function privateCacheControl(origin: string | null): string {
  const kept = (origin ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d && !/^(public|private|s-maxage=.*)$/i.test(d));
  return ["private", ...kept].join(", ");
}
