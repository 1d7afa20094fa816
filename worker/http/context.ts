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

/** The hostname of a URL as the runtime serializes it (scheme://host[:port]/…), without parsing it again. */
function hostOf(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  const authority = url.slice(start, end < 0 ? undefined : end);
  return authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.split(":")[0]!;
}

// User agents repeat a lot, and their patterns showed in the page path's CPU profile. Bounded.
const agents = new Map<string, { device: VisitContext["device"]; browser: string }>();
function agentOf(ua: string): { device: VisitContext["device"]; browser: string } {
  let known = agents.get(ua);
  if (!known) {
    if (agents.size >= 500) agents.clear();
    agents.set(ua, (known = { device: deviceOf(ua), browser: browserOf(ua) }));
  }
  return known;
}

interface Facts {
  timezone?: string;
  country?: string;
}

/**
 * The edge's facts by the visitor's address (CF-Connecting-IP), for 10 minutes. `request.cf`
 * is parsed from JSON on first access — 5–9 % of a page's CPU in the page path's profile — and
 * the edge derives timezone and country from that same address, so a page from an address
 * seen minutes ago needs no parse. Held in the isolate only, never stored; bounded.
 */
const factsByAddress = new Map<string, { facts: Facts; until: number }>();
const FACTS_TTL_MS = 10 * 60_000;
const MAX_ADDRESSES = 5_000;

function edgeFacts(request: Request): Facts {
  const address = request.headers.get("cf-connecting-ip");
  const now = Date.now();
  if (address) {
    const known = factsByAddress.get(address);
    if (known && now < known.until) return known.facts;
  }
  const raw = (request as { cf?: EdgeFacts }).cf;
  const cf = raw && !isPlaceholder(raw) ? raw : undefined;
  const facts: Facts = {};
  if (typeof cf?.timezone === "string" && isTimezone(cf.timezone)) facts.timezone = cf.timezone;
  if (typeof cf?.country === "string") facts.country = cf.country;
  if (address) {
    if (factsByAddress.size >= MAX_ADDRESSES) factsByAddress.clear();
    factsByAddress.set(address, { facts, until: now + FACTS_TTL_MS });
  }
  return facts;
}

/**
 * `url` is the page the visitor is on: the request's own URL for a page, the page URL the
 * SDK reports for events (their Referer), so UTM tags of a landing page are seen either way.
 */
export function visitContext(request: Request, rules: CompiledRules, defaultTimezone: string | undefined, pageUrl = request.url): VisitContext {
  const facts = edgeFacts(request);
  const timezone = facts.timezone ?? rules.document.timezone ?? defaultTimezone ?? "UTC";
  const ua = request.headers.get("user-agent") ?? "";
  const host = hostOf(request.url);
  const { device, browser } = agentOf(ua);
  const context: VisitContext = { timezone, host, device, browser };
  if (facts.country) context.country = facts.country;
  return { ...context, ...acquisitionFrom(pageUrl, request.headers.get("referer") ?? undefined, host) };
}
