/**
 * The visit context a condition may use, from the request: the visitor's timezone from
 * `request.cf` when the edge knows it, else the rules' default, else the DEFAULT_TIMEZONE
 * setting (wrangler dev has no `cf` data, so the fallback is the common local case).
 */
import type { VisitContext } from "../core/profile";
import type { CompiledRules } from "../core/segments";
import { isTimezone } from "../core/clock";
import { acquisitionFrom, browserOf, deviceOf } from "../core/context";

interface EdgeFacts {
  timezone?: unknown;
  country?: unknown;
  asn?: unknown;
  colo?: unknown;
  postalCode?: unknown;
  asOrganization?: unknown;
}

/**
 * `wrangler dev` cannot fetch the real `request.cf` here and hands the worker a fixed
 * stand-in (Austin, Texas: America/Chicago, US). Treated as absent, so the local demo's
 * clock is DEFAULT_TIMEZONE's (the rules' timezone first) and no country is made up.
 */
export function isPlaceholder(cf: EdgeFacts): boolean {
  return cf.asn === 395747 && cf.colo === "DFW" && cf.postalCode === "78701" && cf.asOrganization === "";
}

/**
 * `url` is the page the visitor is on: the request's own URL for a page, the page URL the
 * SDK reports for events (their Referer), so UTM tags of a landing page are seen either way.
 */
export function visitContext(request: Request, rules: CompiledRules, defaultTimezone: string | undefined, pageUrl = request.url): VisitContext {
  const raw = (request as { cf?: EdgeFacts }).cf;
  const cf = raw && !isPlaceholder(raw) ? raw : undefined;
  const fromEdge = typeof cf?.timezone === "string" && isTimezone(cf.timezone) ? cf.timezone : undefined;
  const timezone = fromEdge ?? rules.document.timezone ?? defaultTimezone ?? "UTC";
  const ua = request.headers.get("user-agent") ?? "";
  const host = new URL(request.url).hostname;
  const context: VisitContext = { timezone, host, device: deviceOf(ua), browser: browserOf(ua) };
  if (typeof cf?.country === "string") context.country = cf.country;
  return { ...context, ...acquisitionFrom(pageUrl, request.headers.get("referer") ?? undefined, host) };
}
