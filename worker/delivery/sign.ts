/**
 * Standard Webhooks signatures (standardwebhooks.com): `webhook-signature: v1,<base64 of
 * HMAC-SHA256("<id>.<timestamp>.<body>")>` under the secret's bytes — the base64 after
 * `whsec_` (a secret without the prefix is used as its UTF-8 bytes). Receivers verify with any
 * Standard Webhooks library; the tests use the `standardwebhooks` npm package.
 */
const encoder = new TextEncoder();

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith("whsec_")) return new Uint8Array(encoder.encode(secret));
  const binary = atob(secret.slice("whsec_".length));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function webhookHeaders(secret: string, id: string, body: string, timestampSeconds: number): Promise<Record<string, string>> {
  const key = await crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestampSeconds}.${body}`)));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${btoa(String.fromCharCode(...mac))}`,
  };
}
