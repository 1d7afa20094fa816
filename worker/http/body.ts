/**
 * Request bodies, read with a byte limit counted while they stream: a body over the limit is
 * cut off at the limit (413) whether or not it declared a Content-Length, so a 30 MB chunked
 * upload never sits in memory. Errors carry the JSON path, like every other refusal.
 */
import { HTTPException } from "hono/http-exception";
import { MAX_JSON_DEPTH, tooDeep } from "../core/json-depth";

/** Throws a refusal that the app's error handler sends as `{error, path}` with `status`. */
export function refuse(status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, message: string, path = "$", headers?: HeadersInit): never {
  const res = Response.json({ error: message, path }, { status, ...(headers ? { headers } : {}) });
  throw new HTTPException(status, { message, res });
}

export async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) refuse(413, `the body is ${declared} bytes; at most ${maxBytes} are accepted`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      refuse(413, `the body is over ${maxBytes} bytes; at most ${maxBytes} are accepted`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** A JSON body within `maxBytes` and MAX_JSON_DEPTH, or a 400/413 refusal naming the problem. */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readText(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    refuse(400, "the body is not valid JSON");
  }
  const deep = tooDeep(value);
  if (deep) refuse(400, `nested more than ${MAX_JSON_DEPTH} levels deep`, deep);
  return value;
}
