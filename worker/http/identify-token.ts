/**
 * The identify token (a JWT, HS256) made by the site's backend for one login: `sub` is the
 * user id, `traits` the user's traits, `iat`/`exp` at most 10 minutes apart, `jti` used once.
 * Verified with `jose` under IDENTIFY_SECRET, or IDENTIFY_SECRET_PREVIOUS during a rotation.
 * Replay (`jti`) is checked by the user's Identity object, not here.
 */
import { errors, jwtVerify } from "jose";
import { Traits, UserId } from "../core/vocabulary";

export const MAX_TOKEN_LIFETIME_S = 600;
const encoder = new TextEncoder();

export interface IdentifyClaims {
  userId: string;
  traits: Traits;
  jti: string;
  /** Epoch ms the token stops being valid (its jti is remembered until then). */
  expiresAt: number;
}

export type TokenCheck = { ok: true; claims: IdentifyClaims } | { ok: false; reason: string; path: string };

export async function verifyIdentifyToken(token: string, secrets: readonly string[], now: number): Promise<TokenCheck> {
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      const { payload } = await jwtVerify(token, encoder.encode(secret), {
        algorithms: ["HS256"],
        requiredClaims: ["sub", "iat", "exp", "jti"],
        currentDate: new Date(now),
        clockTolerance: 30,
      });
      const { sub, iat, exp, jti, traits } = payload;
      if (exp! - iat! > MAX_TOKEN_LIFETIME_S) return refused(`exp is ${exp! - iat!} s after iat; at most ${MAX_TOKEN_LIFETIME_S} are allowed`, "$.token.exp");
      if (iat! * 1000 > now + 30_000) return refused("iat is in the future", "$.token.iat");
      const user = UserId.safeParse(sub);
      if (!user.success) return refused("sub must be the user id (1–128 characters)", "$.token.sub");
      if (typeof jti !== "string" || jti.length < 8 || jti.length > 128) return refused("jti must be a unique id of 8–128 characters", "$.token.jti");
      const parsedTraits = Traits.safeParse(traits ?? {});
      if (!parsedTraits.success) {
        const issue = parsedTraits.error.issues[0]!;
        // A bad key's own message ("trait names are …") sits inside zod's "Invalid key in record".
        const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
        return refused(message, `$.token.traits${issue.path.map((p) => `[${JSON.stringify(p)}]`).join("")}`);
      }
      return { ok: true, claims: { userId: user.data, traits: parsedTraits.data, jti, expiresAt: exp! * 1000 } };
    } catch (error) {
      lastError = error;
      // Only a signature made with another key is worth trying the previous secret for.
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
    }
  }
  return refused(reasonOf(lastError), "$.token");
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not match IDENTIFY_SECRET";
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is missing or invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token must be signed with HS256";
  return "the token is not a valid JWT";
}

const refused = (reason: string, path: string): TokenCheck => ({ ok: false, reason, path });
