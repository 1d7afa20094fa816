// The floor doing what rujai's contract asks of every personalized page, with nothing else:
// rujai's cookies and hop-by-hop headers kept from the origin, X-Forwarded-Host/-Proto, the
// origin's deadline (an AbortSignal on the fetch, as rujai's body deadline needs), both slots
// swapped and marked (data-rujai-rule/-variant), Server-Timing and a private Cache-Control.
// No visitor, no rules, no decision: the gap from here to rujai is what deciding costs; the
// gap from the bare floor to here is the contract's.
// DROP (npm run bench:contract) leaves parts out to price each: "hygiene", "deadline",
// "signal" (the timer kept, the fetch without an AbortSignal), "attrs", "resp".
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"];
const SLOTS = { hero: ["sneakers-20", "default", "<h2>swapped</h2>"], promo: ["evening-shipping", "default", "<b>promo swapped</b>"] };

function upstreamHeaders(request, url, hostStart, pathStart) {
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const cookie = request.headers.get("cookie");
  if (cookie?.includes("rujai_")) {
    const kept = cookie.split(";").filter((c) => !/^\s*rujai_(id|seg)=/.test(c));
    if (kept.length) headers.set("cookie", kept.join(";"));
    else headers.delete("cookie");
  }
  headers.set("x-forwarded-host", url.slice(hostStart, pathStart));
  headers.set("x-forwarded-proto", url.slice(0, hostStart - 3));
  return headers;
}

async function fetchWithin(target, init, drop) {
  if (drop.includes("deadline")) return fetch(target, init);
  const abort = drop.includes("signal") ? undefined : new AbortController();
  const timer = setTimeout(() => abort?.abort(), 10_000);
  try {
    return await fetch(target, abort ? { ...init, signal: abort.signal } : init);
  } finally {
    clearTimeout(timer);
  }
}

export default {
  async fetch(request, env) {
    const drop = env.DROP ?? "";
    const url = request.url;
    const hostStart = url.indexOf("//") + 2;
    const pathStart = url.indexOf("/", hostStart);
    const headers = drop.includes("hygiene") ? request.headers : upstreamHeaders(request, url, hostStart, pathStart);
    const origin = await fetchWithin(env.ORIGIN + url.slice(pathStart), { headers, redirect: "manual" }, drop);
    const response = new HTMLRewriter()
      .on("[data-rujai-slot]", {
        element(e) {
          const slot = SLOTS[e.getAttribute("data-rujai-slot")];
          if (!slot) return;
          if (!drop.includes("attrs")) {
            e.setAttribute("data-rujai-rule", slot[0]);
            e.setAttribute("data-rujai-variant", slot[1]);
          }
          e.setInnerContent(slot[2], { html: true });
        },
      })
      .transform(origin);
    if (drop.includes("resp")) return response;
    response.headers.append("server-timing", 'rujai;dur=0;desc="contract floor"');
    response.headers.set("cache-control", "private");
    return response;
  },
};
