/**
 * The request rujai sends upstream in reverse-proxy mode. Pure, so its one promise is
 * table-tested: whatever the visitor's request line says (`//other-host/x`, `\\host`,
 * `%2F%2F`, `/..//`, an absolute-form target), it goes to exactly ORIGIN's scheme, host and
 * port. The path is appended to ORIGIN's, never resolved against it (resolving is what lets a
 * path that starts with `//` name another host). rujai's own cookies and hop-by-hop headers
 * stay here.
 */

/** Headers that belong to one connection (RFC 9110 §7.6.1) and are never forwarded. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];
/** Cookies rujai sets for itself; the origin has no business seeing them. */
const OWN_COOKIES = /^\s*(rujai_id|rujai_seg)\s*=/;

export class OriginUrlError extends Error {}

/** Parses and checks the ORIGIN setting: an http(s) URL with nothing after the path. */
export function parseOrigin(setting: string): URL {
  let url: URL;
  try {
    url = new URL(setting);
  } catch {
    throw new OriginUrlError(`ORIGIN is not a URL: ${JSON.stringify(setting)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OriginUrlError("ORIGIN must be an http or https URL");
  if (url.username || url.password || url.search || url.hash) throw new OriginUrlError("ORIGIN must be scheme://host[:port][/path], without credentials, query or fragment");
  return url;
}

/**
 * The upstream URL: ORIGIN's scheme, host and port, ORIGIN's path prefix, then the request's
 * path and query as the runtime parsed them (already percent-encoded, dot segments removed).
 * Plain string joining on the hot path: after `scheme://host[:port]` comes a "/", so whatever
 * the request's path starts with, it cannot become a host.
 */
export function upstreamUrl(requestUrl: string, origin: URL): string {
  return origin.origin + origin.pathname.replace(/\/+$/, "") + pathAndQuery(requestUrl);
}

/** "/p/x?q=1" of "https://host/p/x?q=1" (a URL as the runtime serializes it). */
export function pathAndQuery(url: string): string {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path < 0 ? "/" : url.slice(path);
}

/** The request's headers as the origin should see them. */
export function upstreamHeaders(incoming: Headers, requestUrl: string): Headers {
  const headers = new Headers(incoming);
  const connection = incoming.get("connection");
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (connection) for (const name of connection.split(",")) headers.delete(name.trim());
  headers.delete("host");
  const cookie = incoming.get("cookie");
  if (cookie !== null && cookie.includes("rujai_")) {
    const kept = siteCookies(cookie);
    if (kept) headers.set("cookie", kept);
    else headers.delete("cookie");
  }
  const schemeEnd = requestUrl.indexOf("://");
  const hostEnd = requestUrl.indexOf("/", schemeEnd + 3);
  headers.set("x-forwarded-host", requestUrl.slice(schemeEnd + 3, hostEnd < 0 ? undefined : hostEnd));
  headers.set("x-forwarded-proto", requestUrl.slice(0, schemeEnd));
  return headers;
}

/**
 * The Cookie header without rujai's own cookies ("" when none is left). A browser sends the
 * same header page after page: the answer is remembered per header text (bounded) rather than
 * split and filtered on every page.
 */
const siteCookieCache = new Map<string, string>();
function siteCookies(cookie: string): string {
  let kept = siteCookieCache.get(cookie);
  if (kept === undefined) {
    kept = cookie
      .split(";")
      .filter((part) => part.trim() && !OWN_COOKIES.test(part))
      .map((p) => p.trim())
      .join("; ");
    if (siteCookieCache.size >= 1_000) siteCookieCache.clear();
    siteCookieCache.set(cookie, kept);
  }
  return kept;
}

/** The upstream request as fetch's arguments (the hot path passes them straight to fetch). */
export function originFetchArgs(request: Request, origin: URL, signal?: AbortSignal): [string, RequestInit] {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return [
    upstreamUrl(request.url, origin),
    { method: request.method, headers: upstreamHeaders(request.headers, request.url), body: hasBody ? request.body : null, redirect: "manual", signal: signal ?? null },
  ];
}

/** The whole upstream request for a visitor's request. */
export function originRequest(request: Request, origin: URL, signal?: AbortSignal): Request {
  return new Request(...originFetchArgs(request, origin, signal));
}
