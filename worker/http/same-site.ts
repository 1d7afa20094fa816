/**
 * Who may call an endpoint from a browser. Calls that change who the browser is (identify,
 * reset, erase) are refused from other sites — a cross-site form post could otherwise log a
 * victim into an attacker's profile (login CSRF). Event batches may also come from the origins
 * listed in ALLOWED_ORIGINS (a shop on several hosts). A request with neither `Origin` nor
 * `Sec-Fetch-Site` is not from a browser page and is judged by its credentials alone.
 */

import type { MiddlewareHandler } from "hono";
import { refuse } from "./body";

/** Calls that change who the browser is: only this site's own pages may make them. */
export const sameSiteOnly: MiddlewareHandler = async function sameSiteOnly(c, next) {
  const crossSite = crossSiteRefusal(c.req.raw);
  if (crossSite) refuse(403, crossSite);
  await next();
};

/** Why the request is refused, or null when it may go on. Pure. */
export function crossSiteRefusal(request: Request, allowedOrigins: readonly string[] = []): string | null {
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  const own = new URL(request.url).origin;
  if (origin !== null && origin !== "null") {
    if (origin === own || allowedOrigins.includes(origin)) return null;
    return `requests from ${origin} are not accepted here`;
  }
  if (origin === "null") return "requests from an opaque origin are not accepted here";
  if (fetchSite === "cross-site") return "cross-site requests are not accepted here";
  return null;
}

/** ALLOWED_ORIGINS: a comma-separated list of origins (scheme://host[:port]). */
export function allowedOrigins(setting: string | undefined): string[] {
  return (setting ?? "").split(",").map((s) => s.trim().replace(/\/+$/, "")).filter(Boolean);
}
