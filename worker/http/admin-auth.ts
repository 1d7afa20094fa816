/**
 * Admin API guard: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. With no
 * ADMIN_TOKEN secret configured the admin API is off (503) — there is no default token.
 */
import type { MiddlewareHandler } from "hono";
import type { Settings } from "../settings";

const encoder = new TextEncoder();

/** Constant time whatever the inputs' lengths: both sides are hashed to 32 bytes first. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([given, expected].map((s) => crypto.subtle.digest("SHA-256", encoder.encode(s))));
  return crypto.subtle.timingSafeEqual(a!, b!);
}

export const requireAdmin: MiddlewareHandler<{ Bindings: Settings }> = async function requireAdmin(c, next) {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) return c.json({ error: "the admin API is off: set the ADMIN_TOKEN secret" }, 503);
  const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  if (!given || !(await sameSecret(given, expected))) {
    return c.json({ error: "missing or wrong admin token (Authorization: Bearer <ADMIN_TOKEN>)" }, 401, {
      "www-authenticate": 'Bearer realm="rujai admin"',
    });
  }
  await next();
};

/** Who saved a version: the X-Rujai-Author header (the admin page sends the signed-in name). */
export function authorOf(header: string | undefined): string {
  const name = (header ?? "").trim().slice(0, 64);
  return name || "admin";
}
