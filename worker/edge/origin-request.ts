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
 */
export function upstreamUrl(requestUrl: string, origin: URL): URL {
  const incoming = new URL(requestUrl);
  const prefix = origin.pathname.replace(/\/+$/, "");
  const target = new URL(origin.origin);
  // Assigning pathname never changes the host, whatever the path starts with.
  target.pathname = prefix + incoming.pathname;
  target.search = incoming.search;
  if (target.origin !== origin.origin) throw new OriginUrlError(`refusing to proxy to ${target.origin}`);
  return target;
}

/** The request's headers as the origin should see them. */
export function upstreamHeaders(incoming: Headers, requestUrl: string): Headers {
  const headers = new Headers(incoming);
  const named = (incoming.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  for (const name of [...HOP_BY_HOP, ...named, "host"]) headers.delete(name);
  const cookie = incoming.get("cookie");
  if (cookie !== null) {
    const kept = cookie.split(";").filter((part) => part.trim() && !OWN_COOKIES.test(part));
    if (kept.length) headers.set("cookie", kept.map((p) => p.trim()).join("; "));
    else headers.delete("cookie");
  }
  const url = new URL(requestUrl);
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.slice(0, -1));
  return headers;
}

/** The whole upstream request for a visitor's request. */
export function originRequest(request: Request, origin: URL, signal?: AbortSignal): Request {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(upstreamUrl(request.url, origin), {
    method: request.method,
    headers: upstreamHeaders(request.headers, request.url),
    body: hasBody ? request.body : null,
    redirect: "manual",
    ...(signal ? { signal } : {}),
  });
}
