/**
 * HMAC-SHA256 under the cookie secret, one key per purpose (domain separation: a visitor-id
 * MAC can never pass for a snapshot MAC). The cookie secret is SNAPSHOT_SECRET, else
 * IDENTIFY_SECRET; while IDENTIFY_SECRET rotates (and SNAPSHOT_SECRET is unset) cookies signed
 * under IDENTIFY_SECRET_PREVIOUS still verify.
 */
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

export type Purpose = "snapshot" | "visitor";

function keyFor(purpose: Purpose, secret: string): Promise<CryptoKey> {
  const name = `rujai ${purpose}\u0000${secret}`;
  let key = keys.get(name);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(name), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(name, key);
  }
  return key;
}

export interface CookieSecrets {
  SNAPSHOT_SECRET?: string;
  IDENTIFY_SECRET?: string;
  IDENTIFY_SECRET_PREVIOUS?: string;
}

/** The secrets cookies verify under, the signing one first; empty when none is configured. */
export function cookieSecrets(env: CookieSecrets): string[] {
  if (env.SNAPSHOT_SECRET) return [env.SNAPSHOT_SECRET];
  return [env.IDENTIFY_SECRET, env.IDENTIFY_SECRET_PREVIOUS].filter((s): s is string => Boolean(s));
}

const URL_SAFE: Record<string, string> = { "+": "-", "/": "_", "=": "" };
/** base64url without padding; one pass over the bytes and one over the text (it is on the page path). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/[+/=]/g, (c) => URL_SAFE[c]!);
}
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** base64url MAC of `message`, cut to `bytes` bytes. */
export async function mac(purpose: Purpose, secret: string, message: string, bytes = 32): Promise<string> {
  const full = new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(purpose, secret), encoder.encode(message)));
  return toBase64Url(full.slice(0, bytes));
}

/** Whether `tag` is the MAC of `message` under any of `secrets` (full-length tags by WebCrypto's constant-time verify). */
export async function verifyMac(purpose: Purpose, secrets: readonly string[], message: string, tag: string, bytes = 32): Promise<boolean> {
  for (const secret of secrets) {
    if (bytes === 32) {
      try {
        if (await crypto.subtle.verify("HMAC", await keyFor(purpose, secret), fromBase64Url(tag), encoder.encode(message))) return true;
      } catch {
        return false;
      }
    } else if (constantTimeEqual(await mac(purpose, secret, message, bytes), tag)) return true;
  }
  return false;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
