// A small closed-loop load generator: N keep-alive connections, each sending the next request
// when the last answer has been read in full. Records every latency for exact percentiles, and
// where rujai says each page's segments came from (its Server-Timing).
import http from "node:http";

/**
 * `jar`: a cookie the load keeps as a browser would — a visitor's segment snapshot is renewed
 * by the page that asked the profile once it expired; a load that kept sending the old one
 * would turn a "returning with snapshot" visitor into one whose profile is asked on every page.
 */
export async function load(url, { connections = 10, seconds = 5, headers = {}, jar } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  let bytes = 0;
  // Pages rujai served without personalization (its Server-Timing says so): a fault under load.
  let skipped = 0;
  const sources = {};
  let sent = headers;
  const deadline = performance.now() + seconds * 1000;
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = http.get(url, { agent, headers: sent }, (res) => {
        const timing = String(res.headers["server-timing"] ?? "");
        if (timing.includes("skipped")) skipped++;
        const source = /segments from (\w+)/.exec(timing)?.[1];
        if (source) sources[source] = (sources[source] ?? 0) + 1;
        if (jar) sent = keepCookie(sent, jar, res.headers["set-cookie"]);
        res.on("data", (chunk) => (bytes += chunk.length));
        res.on("end", () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else errors++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
  const worker = async () => {
    while (performance.now() < deadline) await one();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { requests: latencies.length, elapsed, errors, skipped, sources, headers: sent, rps: latencies.length / elapsed, p50: at(0.5), p95: at(0.95), bytes };
}

/** `headers` with cookie `name` as the answer's Set-Cookie left it (renewed, or dropped at Max-Age=0). */
function keepCookie(headers, name, setCookies = []) {
  const set = setCookies.find((c) => c.startsWith(`${name}=`));
  if (!set) return headers;
  const others = String(headers.cookie ?? "").split(/;\s*/).filter((c) => c && !c.startsWith(`${name}=`));
  const cookie = [...others, ...(/max-age=0\b/i.test(set) ? [] : [set.split(";")[0]])].join("; ");
  return { ...headers, cookie };
}

/** Time to the response headers and to the whole body, for one request. */
export function timing(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers }, (res) => {
      const headersAt = performance.now() - started;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body, headersAt, doneAt: performance.now() - started }));
    });
    req.on("error", reject);
  });
}
