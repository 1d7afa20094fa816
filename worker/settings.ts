/**
 * The worker's settings: the bindings and vars `wrangler types` generates into env.d.ts, plus
 * the optional ones a deployment may add (they have no default in wrangler.toml).
 */
export interface Settings extends Env {
  /** Reverse-proxy target (a URL). Unset: the demo shop in static assets is the origin. */
  ORIGIN?: string;
  /** How long the origin may take to send its headers before the visitor gets a 504 (ms, 10 000). */
  ORIGIN_TIMEOUT_MS?: string;
  /** How long an origin body may stream after its headers before it is cut off (ms, 30 000). */
  ORIGIN_BODY_TIMEOUT_MS?: string;
  /** How long an isolate trusts its copy of the rules before asking KV again (ms). */
  RULES_REFRESH_MS?: string;
  /** Time box for the segment lookup on a page request (ms). */
  DECIDE_BUDGET_MS?: string;
  /** Signs segment snapshot cookies; defaults to IDENTIFY_SECRET (domain-separated). */
  SNAPSHOT_SECRET?: string;
}
