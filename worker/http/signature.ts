/** HMAC-SHA256 signatures of user ids, made by the site's backend with IDENTIFY_SECRET. */
const encoder = new TextEncoder();

async function keyFor(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** Hex HMAC-SHA256 of `message` (what a site's backend computes; used by tests and the demo). */
export async function sign(message: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secret, "sign"), encoder.encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time check (WebCrypto's verify) of a hex signature. */
export async function verify(message: string, signatureHex: string, secret: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/i.test(signatureHex)) return false;
  const bytes = new Uint8Array(signatureHex.match(/../g)!.map((h) => parseInt(h, 16)));
  return crypto.subtle.verify("HMAC", await keyFor(secret, "verify"), bytes, encoder.encode(message));
}
