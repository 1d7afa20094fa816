/**
 * Helpers for tests that drive the real worker inside workerd: requests through its fetch
 * handler (optionally with settings overridden, e.g. ORIGIN), event batches, rules in KV.
 */
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../worker/index";
import type { Settings } from "../../worker/settings";
import { visitorCookie } from "../../worker/http/visitor";
import type { RulesDocument } from "../../worker/rules/schema";
import type { WireEvent } from "../../sdk/src/wire";

export const testEnv = env as unknown as Settings;

/** The worker behind a real fetch: each call is its own request context, as in production. */
export const viaFetch = async (input: string, init?: RequestInit) =>
  (exports as unknown as { default: Fetcher }).default.fetch(await signedCookies(new Request(input, init), testEnv));

/**
 * Tests name visitors by their bare id (`cookieFor(id)`); a browser holds the worker's signed
 * `rujai_id=<id>.<MAC>`. Requests are given the signed form the worker would have set, unless
 * a test sends a forged cookie on purpose (`sign: false`).
 */
async function signedCookies(request: Request, settings: Settings): Promise<Request> {
  const cookie = request.headers.get("cookie");
  const bare = cookie && /(?:^|;\s*)rujai_id=([A-Za-z0-9-]{16,64})(?=;|$)/.exec(cookie);
  if (!bare) return request;
  const signed = (await visitorCookie(bare[1]!, settings)).split(";")[0]!;
  const headers = new Headers(request.headers);
  headers.set("cookie", cookie.replace(`rujai_id=${bare[1]}`, signed));
  return new Request(request, { headers });
}

export async function call(request: Request, overrides: Partial<Settings> = {}, { sign = true } = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const settings = { ...testEnv, ...overrides };
  const signed = sign ? await signedCookies(request, settings) : request;
  const response = await worker.fetch(signed as Request<unknown, IncomingRequestCfProperties>, settings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function newVisitor(): string {
  return crypto.randomUUID();
}

export function cookieFor(visitorId: string): string {
  return `rujai_id=${visitorId}`;
}

export async function putRules(document: RulesDocument | string): Promise<void> {
  await testEnv.RULES.put("rules", typeof document === "string" ? document : JSON.stringify(document));
}

/** GET a page as a browser navigation would. */
export function getPage(path: string, visitorId?: string, overrides: Partial<Settings> = {}, headers: Record<string, string> = {}) {
  const h = new Headers({ accept: "text/html,*/*", ...headers });
  if (visitorId) h.set("cookie", cookieFor(visitorId));
  return call(new Request(`https://shop.test${path}`, { headers: h }), overrides);
}

/**
 * A page read to its end, as a browser would, with what it started after the response
 * (the edge's exposure record) finished: the next request sees it.
 */
export async function viewPage(path: string, visitorId?: string, overrides: Partial<Settings> = {}, extra: Record<string, string> = {}): Promise<string> {
  const ctx = createExecutionContext();
  const settings = { ...testEnv, ...overrides };
  const headers = new Headers({ accept: "text/html,*/*", ...extra });
  if (visitorId) headers.set("cookie", cookieFor(visitorId));
  const request = await signedCookies(new Request(`https://shop.test${path}`, { headers }), settings);
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, settings, ctx);
  const html = await response.text();
  await waitOnExecutionContext(ctx);
  return html;
}

let counter = 0;
export function event(type: string, props?: WireEvent["props"], ts = Date.now()): WireEvent {
  const id = `e${Date.now().toString(36)}${(counter++).toString(36).padStart(6, "0")}`;
  return props ? { id, type, ts, props } : { id, type, ts };
}

/** POST a batch to /rujai/e; `sentAt` defaults to now (no clock skew). */
export function sendEvents(visitorId: string | undefined, events: unknown[], sentAt = Date.now(), headers: Record<string, string> = {}) {
  return postBatch(JSON.stringify({ sentAt, events }), visitorId, headers);
}

export function postBatch(body: string, visitorId?: string, headers: Record<string, string> = {}) {
  const h = new Headers({ "content-type": "text/plain", ...headers });
  if (visitorId) h.set("cookie", cookieFor(visitorId));
  return call(new Request("https://shop.test/rujai/e", { method: "POST", body, headers: h }));
}

/** The inner HTML of the element carrying data-rujai-slot="name", and its rule attribute. */
export function slotOf(html: string, name: string): { rule: string | null; variant: string | null; content: string } {
  const open = new RegExp(`<(\\w+)([^>]*data-rujai-slot="${name}"[^>]*)>`).exec(html);
  if (!open) throw new Error(`no slot ${name} in page`);
  const attrs = open[2]!;
  const start = open.index + open[0].length;
  const end = html.indexOf(`</${open[1]}>`, start);
  return {
    rule: /data-rujai-rule="([^"]*)"/.exec(attrs)?.[1] ?? null,
    variant: /data-rujai-variant="([^"]*)"/.exec(attrs)?.[1] ?? null,
    content: html.slice(start, end),
  };
}

/** Every Set-Cookie of a response (Headers.getSetCookie, which these types do not declare). */
export function setCookies(res: Response): string[] {
  return (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
}
