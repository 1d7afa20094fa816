/**
 * Request-rate limits on rujai's own endpoints, with the Workers rate-limiting binding: per
 * visitor (the `rujai_id` cookie) and per client address (`CF-Connecting-IP`; absent outside
 * Cloudflare's edge, where only the visitor limit applies). Beyond either: 429 with
 * Retry-After, which the SDK waits out before sending the same events again.
 */
import type { MiddlewareHandler } from "hono";
import { readCookie, VISITOR_COOKIE } from "./visitor";
import { refuse } from "./body";
import type { Settings } from "../settings";

/** The binding's window is a minute; a client that waits this long finds room again. */
export const RETRY_AFTER_S = 60;

export const rateLimited: MiddlewareHandler<{ Bindings: Settings }> = async function rateLimited(c, next) {
  const visitor = readCookie(c.req.header("cookie") ?? null, VISITOR_COOKIE);
  const address = c.req.header("cf-connecting-ip");
  const checks = await Promise.all([
    visitor ? c.env.VISITOR_LIMIT?.limit({ key: `v:${visitor.slice(0, 64)}` }) : undefined,
    address ? c.env.ADDRESS_LIMIT?.limit({ key: `a:${address}` }) : undefined,
  ]);
  if (checks.some((outcome) => outcome && !outcome.success)) {
    refuse(429, `too many requests; try again in ${RETRY_AFTER_S} s`, "$", { "retry-after": String(RETRY_AFTER_S) });
  }
  await next();
};
