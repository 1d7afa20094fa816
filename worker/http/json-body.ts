/** Reads a request body as JSON; a 400 naming the problem when it is not JSON at all. */
import type { Context } from "hono";

export async function jsonBody(c: Context): Promise<{ value: unknown } | Response> {
  try {
    return { value: JSON.parse(await c.req.text()) };
  } catch {
    return c.json({ error: "body is not valid JSON", path: "$" }, 400);
  }
}
