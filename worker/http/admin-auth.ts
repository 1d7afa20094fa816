/**
 * Bearer-token guards: the admin API (`ADMIN_TOKEN`) and the backend's server events
 * (`SERVER_TOKEN`), compared in constant time. With the secret unset the guarded API is off
 * (503) — there is no default token.
 */
import type { MiddlewareHandler } from "hono";
import type { Settings } from "../settings";

const encoder = new TextEncoder();

/** Constant time whatever the inputs' lengths: both sides are hashed to 32 bytes first. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([given, expected].map((s) => crypto.subtle.digest("SHA-256", encoder.encode(s))));
  return crypto.subtle.timingSafeEqual(a!, b!);
}

/** A guard that lets through requests carrying `Authorization: Bearer <env[secret]>`. */
export function requireBearer(secret: "ADMIN_TOKEN" | "SERVER_TOKEN", realm: string): MiddlewareHandler<{ Bindings: Settings }> {
  return async function requireBearerToken(c, next) {
    const expected = c.env[secret];
    if (!expected) return c.json({ error: `the ${realm} API is off: set the ${secret} secret`, path: "$" }, 503);
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!given || !(await sameSecret(given, expected))) {
      return c.json({ error: `missing or wrong token (Authorization: Bearer <${secret}>)`, path: "$" }, 401, {
        "www-authenticate": `Bearer realm="rujai ${realm}"`,
      });
    }
    await next();
  };
}

export const requireAdmin = requireBearer("ADMIN_TOKEN", "admin");

/** Who saved a version: the X-Rujai-Author header (the admin page sends the signed-in name). */
export function authorOf(header: string | undefined): string {
  const name = (header ?? "").trim().slice(0, 64);
  return name || "admin";
}
