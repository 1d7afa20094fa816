/**
 * POST {base}/identify `{"token"}` — links the visitor to the user a token from the site's
 * backend names (identify-token.ts: a JWT for this login only, with the traits inside it).
 * A bad, expired or replayed token gets 403 and changes nothing; so does a call from another
 * site (login CSRF). The static `{userId, traits, signature}` form is refused unless the
 * operator opts in with IDENTIFY_LEGACY=1 (unsafe: it can be replayed forever).
 *
 * The visitor's anonymous profile merges into the user's profile (events deduped by id), and
 * the cookie then names the user's profile by a random key the user's Identity object keeps —
 * so a second device that identifies as the same user shares it, nobody can derive another
 * user's key, and rotating IDENTIFY_SECRET orphans no profile.
 */
import { Hono } from "hono";
import { z } from "zod";
import { profileOf } from "../edge/decide";
import { visitorCookie, visitorOf } from "../http/visitor";
import { verify } from "../http/signature";
import { readJson, refuse } from "../http/body";
import { sameSiteOnly } from "../http/same-site";
import { verifyIdentifyToken, type IdentifyClaims } from "../http/identify-token";
import { identityOf } from "../identity/identity";
import { Traits, UserId } from "../core/vocabulary";
import { IdentifyRequest } from "../api/schemas";
import { jsonPath } from "../rules/validate";
import type { Settings } from "../settings";

const MAX_IDENTIFY_BYTES = 8 * 1024;

/** The request body: the shape the OpenAPI description publishes (api/schemas.ts). */
const TokenBody = IdentifyRequest;
/** The old static form; accepted only with IDENTIFY_LEGACY=1. */
export const LegacyBody = z.strictObject({ userId: UserId, traits: Traits.default({}), signature: z.string() });

export const identify = new Hono<{ Bindings: Settings }>().post("/identify", sameSiteOnly, async (c) => {
  const secret = c.env.IDENTIFY_SECRET;
  if (!secret) refuse(503, "identify is not configured (set the IDENTIFY_SECRET secret)");
  const now = Date.now();
  const claims = await claimsOf(await readJson(c.req.raw, MAX_IDENTIFY_BYTES), c.env, now);

  const visitor = await visitorOf(c.req.raw, c.env);
  if (!visitor.mayStore) return c.json({ identified: false, reason: visitor.isBot ? "bots are not profiled" : "Global Privacy Control" }, 202);
  const claim = await identityOf(c.env, claims.userId).claim(claims.jti, claims.expiresAt, now);
  if (!claim.ok) refuse(403, claim.reason, "$.token.jti");
  const userKey = claim.profileKey;
  const user = profileOf(c.env, userKey);
  const current = !visitor.isNew && visitor.id !== userKey ? profileOf(c.env, visitor.id) : null;
  const anonymous = current ? await current.data() : null;
  // Only an anonymous profile merges: on a shared device, another user's profile stays theirs.
  if (current && anonymous && anonymous.userId === null) {
    // Copy first, erase after: a failure in between leaves both, never neither.
    const { events, traits: earlier, context, arms } = anonymous;
    if (arms.length) await user.adoptArms(arms);
    if (events.length) await user.ingest(events, context, now, true);
    await user.identify(claims.userId, { ...earlier, ...claims.traits });
    await current.erase();
  } else {
    await user.identify(claims.userId, claims.traits);
  }
  if (visitor.id !== userKey) c.header("set-cookie", await visitorCookie(userKey, c.env));
  return c.json({ identified: true });
});

/** The verified claims of the body, or a refusal (400 malformed, 403 not believed). */
async function claimsOf(body: unknown, env: Settings, now: number): Promise<Omit<IdentifyClaims, "jti"> & { jti: string | null }> {
  const token = TokenBody.safeParse(body);
  if (token.success) {
    const secrets = [env.IDENTIFY_SECRET, env.IDENTIFY_SECRET_PREVIOUS].filter((s): s is string => Boolean(s));
    const checked = await verifyIdentifyToken(token.data.token, secrets, now);
    if (!checked.ok) refuse(403, checked.reason, checked.path);
    return checked.claims;
  }
  const legacy = LegacyBody.safeParse(body);
  if (!legacy.success) {
    if (typeof body === "object" && body !== null && "signature" in body) refuse(400, legacy.error.issues[0]!.message, jsonPath(legacy.error.issues[0]!.path));
    refuse(400, 'send {"token": "<JWT from your backend>"}', "$.token");
  }
  if (env.IDENTIFY_LEGACY !== "1") refuse(403, "the static signature form is off (it can be replayed); send a token, or set IDENTIFY_LEGACY=1", "$.signature");
  if (!(await verify(legacy.data.userId, legacy.data.signature, env.IDENTIFY_SECRET!))) refuse(403, "signature does not match the user id", "$.signature");
  return { userId: legacy.data.userId, traits: legacy.data.traits, jti: null, expiresAt: now };
}
