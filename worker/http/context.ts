/**
 * The visit context a condition may use, from the request: the visitor's timezone from
 * `request.cf` when the edge knows it, else the rules' default, else the DEFAULT_TIMEZONE
 * setting (wrangler dev has no `cf` data, so the fallback is the common local case).
 */
import type { VisitContext } from "../core/profile";
import type { CompiledRules } from "../core/segments";
import { isTimezone } from "../core/clock";

export function visitContext(request: Request, rules: CompiledRules, defaultTimezone: string | undefined): VisitContext {
  const cf = (request as { cf?: { timezone?: unknown; country?: unknown } }).cf;
  const fromEdge = typeof cf?.timezone === "string" && isTimezone(cf.timezone) ? cf.timezone : undefined;
  const timezone = fromEdge ?? rules.document.timezone ?? defaultTimezone ?? "UTC";
  const country = typeof cf?.country === "string" ? cf.country : undefined;
  return country ? { timezone, country } : { timezone };
}
