/**
 * Where pages come from: the ORIGIN setting makes the worker a reverse proxy (the request
 * built by origin-request.ts, pinned to ORIGIN); without it the demo shop in static assets is
 * the origin. Redirects are handed to the browser as they are.
 *
 * The origin's own faults get a clean answer within a stated time: no headers within
 * ORIGIN_TIMEOUT_MS (10 s) → 504, an unreachable origin → 502, each a small HTML page; an HTML
 * body that has not finished ORIGIN_BODY_TIMEOUT_MS (30 s) after its headers is aborted, so
 * the browser sees a failed transfer rather than a page that silently ends early.
 */
import { originFetchArgs, parseOrigin } from "./origin-request";
import type { Settings } from "../settings";

export const DEFAULT_ORIGIN_TIMEOUT_MS = 10_000;
export const DEFAULT_ORIGIN_BODY_TIMEOUT_MS = 30_000;

const origins = new Map<string, URL>();
function originOf(setting: string): URL {
  let url = origins.get(setting);
  if (!url) origins.set(setting, (url = parseOrigin(setting)));
  return url;
}

export async function fetchOrigin(request: Request, env: Settings): Promise<Response> {
  if (!env.ORIGIN) return env.ASSETS.fetch(request);
  const headersWithin = Number(env.ORIGIN_TIMEOUT_MS ?? DEFAULT_ORIGIN_TIMEOUT_MS);
  const bodyWithin = Number(env.ORIGIN_BODY_TIMEOUT_MS ?? DEFAULT_ORIGIN_BODY_TIMEOUT_MS);
  const abort = new AbortController();
  // One timer per request in the common case (timers showed in the page path's CPU profile):
  // it checks the headers' deadline and, for a page whose headers came, re-arms for what is
  // left of the body's budget. Other files (a video, a large download) stream as long as
  // they take.
  let timedOut = false;
  let headersAt: number | undefined;
  let html = false;
  const started = Date.now();
  const check = () => {
    const now = Date.now();
    if (headersAt === undefined) {
      if (now - started < headersWithin) return void setTimeout(check, started + headersWithin - now);
      timedOut = true;
      return abort.abort();
    }
    if (!html) return;
    if (now >= headersAt + bodyWithin) abort.abort();
    else setTimeout(check, headersAt + bodyWithin - now);
  };
  setTimeout(check, Math.min(headersWithin, bodyWithin));
  try {
    const response = await fetch(...originFetchArgs(request, originOf(env.ORIGIN), abort.signal));
    headersAt = Date.now();
    html = response.body !== null && (response.headers.get("content-type") ?? "").startsWith("text/html");
    return response;
  } catch (error) {
    if (timedOut) return originFailure(504, `The shop did not answer within ${headersWithin / 1000} s.`);
    console.error("rujai: origin unreachable:", error);
    return originFailure(502, "The shop could not be reached.");
  }
}

/** A small page for when the origin itself fails; never cached. */
export function originFailure(status: 502 | 504, message: string): Response {
  const title = status === 504 ? "504 Gateway Timeout" : "502 Bad Gateway";
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${message} Please try again in a moment.</p></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": "10" } });
}
