/**
 * Where pages come from: the ORIGIN setting makes the worker a reverse proxy; without it the
 * demo shop in static assets is the origin. Redirects are handed to the browser as they are.
 */
import type { Settings } from "../settings";

export function fetchOrigin(request: Request, env: Settings): Promise<Response> {
  if (!env.ORIGIN) return env.ASSETS.fetch(request);
  const url = new URL(request.url);
  const target = new URL(url.pathname + url.search, env.ORIGIN);
  const headers = new Headers(request.headers);
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  return fetch(target, {
    method: request.method,
    headers,
    body: request.body,
    redirect: "manual",
  });
}
