// npm run bench:audience — the audience index's cost and speed (Miniflare directly).
// (a) Ingest with the index on (queue + D1 consumer) vs off: visitors sending one batch per
//     request, alternating targets round by round; ms per request and workerd CPU per request.
// (b) Answers over 100,000 indexed visitors: sizes with overlap, top 500 by intent (all, and
//     within a segment), a page of members, and a whole-segment CSV export.
//   AUDIENCE_VISITORS=100000 AUDIENCE_ROUNDS=3 npm run bench:audience
import { readFileSync } from "node:fs";
import { cpuMs, startMeasured } from "./cpu.mjs";
import { applyMigrations, BROWSER_UA, buildRujai, rujaiOptions } from "./rujai-target.mjs";

const INDEXED = Number(process.env.AUDIENCE_VISITORS ?? 100_000);
const ROUNDS = Number(process.env.AUDIENCE_ROUNDS ?? 3);
const REQUESTS = Number(process.env.AUDIENCE_REQUESTS ?? 400);
const rules = readFileSync("demo-site/rules.json", "utf8");

await buildRujai();

async function start(name, withIndex) {
  const options = rujaiOptions("http://127.0.0.1:9", { ADMIN_TOKEN: "bench" });
  if (withIndex) {
    Object.assign(options, {
      d1Databases: ["AUDIENCE"],
      queueProducers: { AUDIENCE_QUEUE: "rujai-audience" },
      queueConsumers: { "rujai-audience": { maxBatchSize: 100, maxBatchTimeout: 1 } },
    });
  }
  const target = await startMeasured(name, options);
  const { mf } = target;
  await (await mf.getKVNamespace("RULES")).put("rules", rules);
  if (withIndex) await applyMigrations(mf);
  return target;
}

// ── (a) ingest, index on vs off ───────────────────────────────────────────────────────────
const targets = [await start("index off", false), await start("index on", true)];
let serial = 0;
async function ingestRun(t) {
  const cookies = [];
  const times = [];
  const cpu0 = cpuMs(t.pid);
  for (let r = 0; r < REQUESTS; r++) {
    // 50 visitors, 8 batches each: a new visitor's first batch always writes to the index,
    // later ones only when a segment or score band changes (a cart, a purchase).
    const v = r % 50;
    const type = r % 7 === 3 ? "add_to_cart" : r % 23 === 5 ? "purchase" : "view_item";
    const props = type === "purchase" ? { transaction_id: `b${serial}`, value: 990 } : { item_id: `sn-${r % 5}`, category: "sneakers", price: 2190 };
    const started = performance.now();
    const res = await fetch(`${t.url}/rujai/e`, {
      method: "POST",
      headers: { "user-agent": BROWSER_UA, ...(cookies[v] ? { cookie: cookies[v] } : {}) },
      body: JSON.stringify({ sentAt: Date.now(), events: [{ id: `bench-${String(serial++).padStart(8, "0")}`, type, ts: Date.now(), props }] }),
    });
    await res.arrayBuffer();
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${t.name}: ${res.status}`);
    cookies[v] ??= res.headers.getSetCookie().find((c) => c.startsWith("rujai_id="))?.split(";")[0];
    if (r % 50 === 49) cookies.length = 0; // the next 50 are new visitors
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], cpu: (cpuMs(t.pid) - cpu0) / REQUESTS };
}
const runs = { "index off": [], "index on": [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const t of round % 2 ? [...targets].reverse() : targets) runs[t.name].push(await ingestRun(t));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = { ms: median(runs["index off"].map((r) => r.ms)), cpu: median(runs["index off"].map((r) => r.cpu)) };
const on = { ms: median(runs["index on"].map((r) => r.ms)), cpu: median(runs["index on"].map((r) => r.cpu)) };
console.log(`(a) Ingest, one event per request, ${REQUESTS} requests × ${ROUNDS} rounds alternated (medians):\n`);
console.log("index | ms per request (p50) | CPU ms per request");
console.log("--- | --- | ---");
console.log(`off | ${off.ms.toFixed(2)} | ${off.cpu.toFixed(2)}`);
console.log(`on | ${on.ms.toFixed(2)} | ${on.cpu.toFixed(2)}`);
console.log(`on ÷ off | ${(on.ms / off.ms).toFixed(2)}× | ${(on.cpu / off.cpu).toFixed(2)}×  (CPU includes the queue consumer's D1 writes)\n`);
await targets[0].mf.dispose();

// ── (b) answers over INDEXED visitors ─────────────────────────────────────────────────────
const indexed = targets[1];
const db = await indexed.mf.getD1Database("AUDIENCE");
const segments = ["sneaker-fans", "hesitant", "evening", "first-visit", "returning", "confirmed-buyers"];
const now = Date.now();
// Generated inside the database (a recursive CTE), not sent row by row.
const numbers = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)";
await db.prepare(
  `${numbers} INSERT INTO visitors (visitor_id, version, erased, user_id, intent, intent_factors, engagement, rfm, orders, value, top_category, last_seen, traits, updated_at)
   SELECT printf('idx-%06d', i), 1, 0, CASE WHEN i % 4 = 0 THEN 'user-' || i END, ((i * 7919) % 1000) / 1000.0, '[]', 1 + i % 5,
     CASE i % 3 WHEN 0 THEN 'loyal' WHEN 1 THEN 'new' ELSE 'at-risk' END, i % 6, (i % 6) * 990, 'sneakers', ? - (i % 90) * 86400000, '{}', ? FROM n`,
).bind(INDEXED, now, now).run();
for (const [k, segment] of segments.entries()) {
  await db.prepare(`${numbers} INSERT INTO memberships (segment, visitor_id, since) SELECT ?, printf('idx-%06d', i), ? FROM n WHERE (i + ?) % ? = 0`).bind(INDEXED, segment, now, k, k + 2).run();
}
const admin = async (path) => {
  const started = performance.now();
  const res = await fetch(`${indexed.url}/rujai/admin${path}`, { headers: { authorization: "Bearer bench" } });
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return { ms: performance.now() - started, bytes };
};
const queries = [
  ["sizes, trend and overlap of 6 segments", "/audiences"],
  ["top 500 by intent, everyone", "/audiences/top?by=intent&n=500"],
  ["top 500 by intent in sneaker-fans", "/audiences/top?by=intent&n=500&segment=sneaker-fans"],
  ["a page of 100 members by value", "/audiences/hesitant?order=value&limit=100"],
  ["CSV export of sneaker-fans", "/audiences/sneaker-fans/export.csv"],
];
console.log(`(b) Answers over ${INDEXED.toLocaleString("en-US")} indexed visitors (median of 5):\n`);
console.log("query | ms | bytes");
console.log("--- | --- | ---");
for (const [name, path] of queries) {
  const samples = [];
  for (let i = 0; i < 5; i++) samples.push(await admin(path));
  console.log(`${name} | ${median(samples.map((s) => s.ms)).toFixed(0)} | ${samples[0].bytes.toLocaleString("en-US")}`);
}
await indexed.mf.dispose();
