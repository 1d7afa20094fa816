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
  /** Secret: the admin API's bearer token; unset, the admin API is off. */
  ADMIN_TOKEN?: string;
  /** Secret: signs identify tokens (HS256), made by the site's backend. */
  IDENTIFY_SECRET?: string;
  /** The identify secret being replaced, accepted until every backend signs with the new one. */
  IDENTIFY_SECRET_PREVIOUS?: string;
  /** "1" accepts the old static `{userId, traits, signature}` identify (unsafe: replayable). */
  IDENTIFY_LEGACY?: string;
  /** Other origins whose pages may send event batches (comma-separated scheme://host[:port]). */
  ALLOWED_ORIGINS?: string;
  /** Bearer token of the backend's trusted server events (POST {base}/server/e). */
  SERVER_TOKEN?: string;
  /** Trigger deliveries: first retry delay (ms, 30 000; doubled each time), give up after (ms, 24 h), request timeout (ms, 10 000). */
  DELIVERY_RETRY_BASE_MS?: string;
  DELIVERY_GIVE_UP_MS?: string;
  DELIVERY_TIMEOUT_MS?: string;
  /** How many Stats objects the results are spread over (16); raise with traffic, never lower. */
  STATS_SHARDS?: string;
  /**
   * Who records exposures: "edge" (default) — the worker, for every arm it serves to a known
   * visitor, so results never depend on the page's script running; "browser" — only the
   * SDK's impression events (no Durable Object write per page; for sites that must save it).
   */
  EXPOSURES?: string;
  /** Signs segment snapshot cookies; defaults to IDENTIFY_SECRET (domain-separated). */
  SNAPSHOT_SECRET?: string;
}
