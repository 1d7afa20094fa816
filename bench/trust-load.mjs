// npm run bench:load — mixed page and event traffic against rujai (Miniflare directly, a
// loopback origin): 50 connections for 60 s, each a browser that alternates page views and
// event batches (some batches sent twice, as a retry would). Afterwards every visitor's
// profile is read back: each accepted event must be there exactly once. Prints the 5xx
// count, latency percentiles, and how long the page's segment lookup took (its budget is
// DECIDE_BUDGET_MS, 50 ms) under that load.
//   LOAD_CONNECTIONS=50 LOAD_SECONDS=60 npm run bench:load
import http from "node:http";
import { pageOfSize } from "./pages.mjs";
import { BROWSER_UA, buildRujai, startRujai } from "./rujai-target.mjs";
import { readFileSync } from "node:fs";

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const VISITORS_PER_CONNECTION = 4;

const page = Buffer.from(pageOfSize(10_000));
const origin = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));

await buildRujai();
const { mf, url } = await startRujai(`http://127.0.0.1:${origin.address().port}`);
await (await mf.getKVNamespace("RULES")).put("rules", readFileSync("demo-site/rules.json", "utf8"));

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
function request(method, path, headers, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(`${url}${path}`, { method, agent, headers: { "user-agent": BROWSER_UA, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text, ms: performance.now() - started }));
    });
    req.on("error", (error) => resolve({ status: 0, headers: {}, text: String(error), ms: performance.now() - started }));
    if (body) req.write(body);
    req.end();
  });
}

const stats = { pages: [], events: [], decide: [], skipped: 0, status: new Map(), accepted: new Map() };
const count = (status) => stats.status.set(status, (stats.status.get(status) ?? 0) + 1);
let serial = 0;
const newEvent = (type, props) => ({ id: `load-${process.pid}-${(serial++).toString(36).padStart(8, "0")}`, type, ts: Date.now(), props });

async function browser(deadline) {
  const visitors = [];
  while (performance.now() < deadline) {
    // A handful of visitors per connection: new ones get their signed cookie from the first batch.
    const v = visitors.length < VISITORS_PER_CONNECTION ? { cookie: "", snapshot: "" } : visitors[serial % visitors.length];
    const events = [newEvent("page_view", { path: "/" }), newEvent("view_item", { item_id: `sn-${serial % 7}`, category: "sneakers" })];
    if (serial % 5 === 0) events.push(newEvent("add_to_cart", { item_id: "sn-1", category: "sneakers", price: 2190 }));
    const body = JSON.stringify({ sentAt: Date.now(), events });
    for (let attempt = 0; attempt < (serial % 4 === 0 ? 2 : 1); attempt++) {
      const cookie = [v.cookie, v.snapshot].filter(Boolean).join("; ");
      const res = await request("POST", "/rujai/e", { "content-type": "text/plain", ...(cookie ? { cookie } : {}) }, body);
      count(res.status);
      stats.events.push(res.ms);
      if (res.status !== 200) continue;
      for (const c of [res.headers["set-cookie"] ?? []].flat()) {
        if (c.startsWith("rujai_id=")) v.cookie = c.split(";")[0];
        if (c.startsWith("rujai_seg=")) v.snapshot = c.split(";")[0];
      }
      const id = v.cookie;
      if (!stats.accepted.has(id)) stats.accepted.set(id, new Set());
      for (const e of events) stats.accepted.get(id).add(e.id);
      if (!visitors.includes(v)) visitors.push(v);
    }
    const pageCookie = [v.cookie, v.snapshot].filter(Boolean).join("; ");
    const res = await request("GET", "/", { accept: "text/html", ...(pageCookie ? { cookie: pageCookie } : {}) });
    count(res.status);
    stats.pages.push(res.ms);
    const timing = /rujai;dur=(\d+);desc="([^"]+)"/.exec(String(res.headers["server-timing"] ?? ""));
    if (timing) stats.decide.push(Number(timing[1]));
    if (timing?.[2] === "segments skipped") stats.skipped++;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: CONNECTIONS }, () => browser(started + SECONDS * 1000)));
const elapsed = (performance.now() - started) / 1000;

// A flood of one visitor's events while that visitor's pages must ask the profile (no snapshot).
const FLOOD_SECONDS = Number(process.env.FLOOD_SECONDS ?? 10);
const seed = await request("POST", "/rujai/e", { "content-type": "text/plain" }, JSON.stringify({ sentAt: Date.now(), events: [newEvent("page_view", { path: "/" })] }));
const flooded = String([seed.headers["set-cookie"]].flat().find((c) => c.startsWith("rujai_id="))).split(";")[0];
const flood = { decide: [], pages: [], skipped: 0, fiveXX: 0, batches: 0 };
const floodUntil = performance.now() + FLOOD_SECONDS * 1000;
await Promise.all([
  ...Array.from({ length: Math.ceil(CONNECTIONS * 0.8) }, async () => {
    while (performance.now() < floodUntil) {
      const events = Array.from({ length: 10 }, () => newEvent("view_item", { item_id: "sn-flood", category: "sneakers" }));
      const res = await request("POST", "/rujai/e", { "content-type": "text/plain", cookie: flooded }, JSON.stringify({ sentAt: Date.now(), events }));
      flood.batches++;
      if (res.status >= 500 || res.status === 0) flood.fiveXX++;
    }
  }),
  ...Array.from({ length: Math.max(1, Math.floor(CONNECTIONS * 0.2)) }, async () => {
    while (performance.now() < floodUntil) {
      const res = await request("GET", "/", { accept: "text/html", cookie: flooded });
      if (res.status >= 500 || res.status === 0) flood.fiveXX++;
      flood.pages.push(res.ms);
      const timing = /rujai;dur=(\d+);desc="([^"]+)"/.exec(String(res.headers["server-timing"] ?? ""));
      if (timing) flood.decide.push(Number(timing[1]));
      if (timing?.[2] === "segments skipped") flood.skipped++;
    }
  }),
]);

// Every accepted event exactly once: read each visitor's kept events back.
let missing = 0;
let extra = 0;
let acceptedTotal = 0;
for (const [cookie, ids] of stats.accepted) {
  const res = await request("GET", "/rujai/me", { cookie });
  const kept = JSON.parse(res.text).events.map((e) => e.id).filter((id) => id.startsWith(`load-${process.pid}-`));
  const keptSet = new Set(kept);
  acceptedTotal += ids.size;
  for (const id of ids) if (!keptSet.has(id)) missing++;
  extra += kept.length - keptSet.size + [...keptSet].filter((id) => !ids.has(id)).length;
}

const pct = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const f = (n) => n.toFixed(1);
const fiveXX = [...stats.status].filter(([s]) => s >= 500 || s === 0).reduce((n, [, c]) => n + c, 0);
console.log(`Mixed load: ${CONNECTIONS} connections, ${SECONDS} s, ${stats.accepted.size} visitors (Miniflare directly, 10 KB pages, demo rules)\n`);
console.log("what | requests | p50 ms | p95 ms | p99 ms");
console.log("--- | --- | --- | --- | ---");
console.log(`pages | ${stats.pages.length} | ${f(pct(stats.pages, 0.5))} | ${f(pct(stats.pages, 0.95))} | ${f(pct(stats.pages, 0.99))}`);
console.log(`event batches | ${stats.events.length} | ${f(pct(stats.events, 0.5))} | ${f(pct(stats.events, 0.95))} | ${f(pct(stats.events, 0.99))}`);
console.log(`segment lookup in the page (Server-Timing) | ${stats.decide.length} | ${f(pct(stats.decide, 0.5))} | ${f(pct(stats.decide, 0.95))} | ${f(pct(stats.decide, 0.99))}`);
console.log(`\n${((stats.pages.length + stats.events.length) / elapsed).toFixed(0)} req/s; statuses ${JSON.stringify(Object.fromEntries(stats.status))}; 5xx or failed: ${fiveXX}`);
console.log(`pages served without personalization (lookup over budget): ${stats.skipped}`);
console.log(`accepted events: ${acceptedTotal}; missing from profiles: ${missing}; counted twice or unknown: ${extra}`);
console.log(`\nFlood: one visitor's events from ${Math.ceil(CONNECTIONS * 0.8)} connections (${flood.batches} batches of 10 in ${FLOOD_SECONDS} s) while ${Math.max(1, Math.floor(CONNECTIONS * 0.2))} ask for that visitor's pages without a snapshot:`);
console.log(`segment lookup p50 ${f(pct(flood.decide, 0.5))} ms, p99 ${f(pct(flood.decide, 0.99))} ms, max ${f(pct(flood.decide, 1))} ms; page p99 ${f(pct(flood.pages, 0.99))} ms; ${flood.skipped} of ${flood.pages.length} pages over the 50 ms budget served unpersonalized; 5xx: ${flood.fiveXX}`);
await mf.dispose();
origin.close();
agent.destroy();
if (fiveXX || missing || extra || flood.fiveXX) process.exitCode = 1;
