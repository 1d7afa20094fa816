/** Identify tokens as a site's backend makes them (jose's SignJWT, HS256). */
import { SignJWT } from "jose";

export const IDENTIFY_SECRET = "test-identify-secret"; // vitest.config.ts

export interface TokenOptions {
  traits?: Record<string, unknown>;
  secret?: string;
  /** Seconds from now. */
  expiresIn?: number;
  issuedAt?: number;
  jti?: string | null;
  alg?: string;
}

export function identifyToken(userId: string, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = options.issuedAt ?? now;
  let jwt = new SignJWT(options.traits ? { traits: options.traits } : {})
    .setProtectedHeader({ alg: options.alg ?? "HS256" })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresIn ?? 300));
  if (options.jti !== null) jwt = jwt.setJti(options.jti ?? crypto.randomUUID());
  return jwt.sign(new TextEncoder().encode(options.secret ?? IDENTIFY_SECRET));
}
