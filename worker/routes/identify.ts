/**
 * POST {base}/identify — links the visitor to a user id signed by the site's backend
 * (hex HMAC-SHA256 of the id under IDENTIFY_SECRET) and stores their traits (tier, points,
 * birth month, tags …). A bad or missing signature gets 403 and changes nothing.
 *
 * The visitor's anonymous profile merges into the user's profile (events deduped by id), and
 * the cookie then names the user's profile by a key derived from the user id with the
 * secret — so a second device that identifies as the same user shares it, and nobody can
 * derive another user's key without the secret.
 */
import { Hono } from "hono";
import { z } from "zod";
import { profileOf } from "../edge/decide";
import { visitorCookie, visitorOf } from "../http/visitor";
import { sign, verify } from "../http/signature";
import { jsonPath } from "../rules/validate";
import { jsonBody } from "../http/json-body";
import type { Settings } from "../settings";

const TraitValue = z.union([z.string().max(256), z.number().finite(), z.boolean()]);
export const IdentifyBody = z.strictObject({
  userId: z.string().min(1).max(128),
  traits: z
    .record(z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/, "trait names are lowercase letters, digits and _"), TraitValue)
    .refine((t) => Object.keys(t).length <= 50, "at most 50 traits")
    .default({}),
  signature: z.string(),
});

export const identify = new Hono<{ Bindings: Settings }>().post("/identify", async (c) => {
  const body = await jsonBody(c);
  if (body instanceof Response) return body;
  const parsed = IdentifyBody.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return c.json({ error: issue.message, path: jsonPath(issue.path) }, 400);
  }
  const secret = c.env.IDENTIFY_SECRET;
  if (!secret) return c.json({ error: "identify is not configured (set the IDENTIFY_SECRET secret)" }, 503);
  const { userId, traits, signature } = parsed.data;
  if (!(await verify(userId, signature, secret))) {
    return c.json({ error: "signature does not match the user id", path: "$.signature" }, 403);
  }
  const visitor = visitorOf(c.req.raw);
  if (!visitor.mayStore) return c.json({ identified: false, reason: visitor.isBot ? "bots are not profiled" : "Global Privacy Control" }, 202);
  const userKey = await userProfileKey(userId, secret);
  const user = profileOf(c.env, userKey);
  if (!visitor.isNew && visitor.id !== userKey) {
    // Copy first, erase after: a failure in between leaves both, never neither.
    const anonymous = profileOf(c.env, visitor.id);
    const { events, traits: earlier, context } = await anonymous.data();
    if (events.length) await user.ingest(events, context ?? { timezone: c.env.DEFAULT_TIMEZONE ?? "UTC" }, Date.now(), true);
    await user.identify(userId, { ...earlier, ...traits });
    await anonymous.erase();
  } else {
    await user.identify(userId, traits);
  }
  if (visitor.id !== userKey) c.header("set-cookie", visitorCookie(userKey));
  return c.json({ identified: true });
});

/** The user's profile key: "u-" + 40 hex of HMAC("profile:" + userId), unlike the site's signature. */
export async function userProfileKey(userId: string, secret: string): Promise<string> {
  return `u-${(await sign(`profile:${userId}`, secret)).slice(0, 40)}`;
}
