// npm run bench:engine — the segment engine's figures (issue 4):
//  (a) 50 segments over a 2,000-event profile: rujai's compiled evaluator vs json-rules-engine
//      evaluating the same conditions (as facts) on the same data, in one run;
//  (b) per-event ingest cost at history sizes 100, 1,000 and 10,000 (the real worker and
//      Profile DO in Miniflare, one event per request);
//  (c) bytes stored per visitor at those sizes (the DO's SQLite database size).
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRujai, cookiesOf } from "./rujai-target.mjs";

const require = createRequire(import.meta.url);
if (!existsSync("bench/peers/node_modules/json-rules-engine")) execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", "bench/peers"], { stdio: "inherit" });
const { Engine } = require("./peers/node_modules/json-rules-engine");

mkdirSync("bench/.build", { recursive: true });
await build({ entryPoints: ["bench/engine-core.ts"], bundle: true, format: "esm", platform: "neutral", outfile: "bench/.build/engine-core.mjs", logLevel: "error" });
const { compileRules, evaluateSegments, buildProfile } = await import("./.build/engine-core.mjs");

const NOW = Date.UTC(2026, 2, 4, 11);
// Node's fetch says "node", which the worker rightly treats as a bot.
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const DAY = 86_400_000;
const TYPES = ["page_view", "view_item", "add_to_cart", "purchase", "search"];
const CATEGORIES = ["sneakers", "dresses", "cosmetics", "drinks"];
const DURATIONS = ["30m", "6h", "1d", "3d", "7d", "30d"];
const durationMs = (d) => Number(d.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: DAY }[d.slice(-1)];

// ── (a) the same 50 segments for both engines ─────────────────────────────────────────────
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(rand() * list.length)];
function leaf() {
  const r = rand();
  if (r < 0.45) return { count: { event: pick(TYPES), where: { category: pick(CATEGORIES) }, within: pick(DURATIONS) }, atLeast: 1 + Math.floor(rand() * 5) };
  if (r < 0.65) return { count: { event: pick(TYPES), within: pick(DURATIONS) }, atMost: Math.floor(rand() * 20) };
  if (r < 0.8) return { sum: { event: "purchase", prop: "value", within: pick(DURATIONS) }, atLeast: Math.floor(rand() * 5000) };
  return { since: { event: pick(TYPES) }, atLeast: pick(DURATIONS) };
}
const segments = {};
for (let i = 0; i < 50; i++) {
  const r = rand();
  segments[`s${i}`] = { when: r < 0.4 ? leaf() : r < 0.7 ? { all: [leaf(), leaf()] } : r < 0.9 ? { any: [leaf(), leaf(), leaf()] } : { not: leaf() } };
}
const events = Array.from({ length: 2000 }, (_, i) => ({
  id: `e${i}`,
  type: pick(TYPES),
  ts: NOW - Math.floor(rand() * 60 * DAY),
  props: { category: pick(CATEGORIES), value: Math.floor(rand() * 3000), price: Math.floor(rand() * 3000) },
}));

// json-rules-engine: aggregations are facts (as its docs do it); a naive scan per fact.
function toJre(c) {
  if (c.all) return { all: c.all.map(toJre) };
  if (c.any) return { any: c.any.map(toJre) };
  if (c.not) return { not: toJre(c.not) };
  const compare = (fact, params, x) => {
    const parts = [];
    if (x.atLeast !== undefined) parts.push({ fact, params, operator: "greaterThanInclusive", value: x.atLeast });
    if (x.atMost !== undefined) parts.push({ fact, params, operator: "lessThanInclusive", value: x.atMost });
    return parts.length === 1 ? parts[0] : { all: parts };
  };
  if (c.count) return compare("count", c.count, c);
  if (c.sum) return compare("sum", c.sum, c);
  return { fact: "since", params: c.since, operator: "greaterThanInclusive", value: durationMs(c.atLeast) };
}
const engine = new Engine([], { allowUndefinedFacts: true });
for (const [name, s] of Object.entries(segments)) {
  const conditions = toJre(s.when);
  engine.addRule({ name, conditions: conditions.all || conditions.any ? conditions : { all: [conditions] }, event: { type: name } });
}
const matching = (e, p) => e.type === p.event && (!p.where || Object.entries(p.where).every(([k, v]) => e.props?.[k] === v)) && (!p.within || e.ts > NOW - durationMs(p.within));
engine.addFact("count", (p, almanac) => almanac.factValue("events").then((evs) => evs.filter((e) => matching(e, p)).length));
engine.addFact("sum", (p, almanac) => almanac.factValue("events").then((evs) => evs.filter((e) => matching(e, p)).reduce((s, e) => s + (e.props?.[p.prop] ?? 0), 0)));
engine.addFact("since", (p, almanac) =>
  almanac.factValue("events").then((evs) => {
    const last = evs.filter((e) => e.type === p.event).reduce((m, e) => Math.max(m, e.ts), -Infinity);
    return last === -Infinity ? -1 : NOW - last;
  }),
);

const rules = compileRules({ segments, slots: {} }, "bench");
const profile = buildProfile(events);
const context = { timezone: "Asia/Bangkok" };
const ours = [...evaluateSegments(rules, profile, NOW, context).held].sort();
const theirs = (await engine.run({ events })).events.map((e) => e.type).sort();
if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`engines disagree:\n rujai ${ours}\n jre   ${theirs}`);

async function timeIt(fn, minMs = 1500) {
  for (let i = 0; i < 5; i++) await fn(); // warm-up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}
const results = { a: [] };
for (let round = 0; round < 3; round++) {
  const jre = await timeIt(() => engine.run({ events }));
  // Warm: the profile the DO keeps, whose condition indexes are already caught up.
  const warm = await timeIt(() => evaluateSegments(rules, profile, NOW, context));
  // Cold: a profile built from the raw events and indexed from scratch, every time.
  const cold = await timeIt(() => evaluateSegments(rules, buildProfile(events), NOW, context));
  results.a.push({ warm, cold, jre });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const aW = med(results.a.map((r) => r.warm));
const aC = med(results.a.map((r) => r.cold));
const aJ = med(results.a.map((r) => r.jre));
const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;
console.log(`(a) 50 segments (${ours.length} hold) over 2,000 events, median of 3 alternating rounds:`);
console.log(`    json-rules-engine 7.3.1: ${us(aJ)}`);
console.log(`    rujai, cold (profile built and indexed from scratch): ${us(aC)} — ${(aJ / aC).toFixed(0)}× faster`);
console.log(`    rujai, warm (the DO's kept profile): ${us(aW)} — ${(aJ / aW).toFixed(0)}× faster\n`);

// ── (b)(c) ingest cost and storage per visitor, in the real worker ─────────────────────────
await buildRujai(); // the same bundle as every other bench (papaparse's Node stream left out)
const rulesText = readFileSync("demo-site/rules.json", "utf8");

async function ingestCost(size) {
  const persist = mkdtempSync(join(tmpdir(), "rujai-engine-"));
  const mf = new Miniflare({
    compatibilityDate: "2026-04-20", modules: true, scriptPath: "bench/.build/rujai.mjs",
    kvNamespaces: ["RULES"], durableObjects: { PROFILE: { className: "Profile", useSQLite: true } }, durableObjectsPersist: persist,
    bindings: { ORIGIN: "http://127.0.0.1:9", BASE_PATH: "/rujai", DEFAULT_TIMEZONE: "Asia/Bangkok", ADMIN_TOKEN: "bench", IDENTIFY_SECRET: "bench" },
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  await (await mf.getKVNamespace("RULES")).put("rules", rulesText);
  // Visitor ids are signed by the worker (a made-up one is a new visitor): the first batch gets one.
  let cookie;
  const post = async (evs) => {
    const res = await fetch(`${url}/rujai/e`, { method: "POST", headers: { ...(cookie ? { cookie } : {}), "user-agent": BROWSER_UA }, body: JSON.stringify({ sentAt: Date.now(), events: evs }) });
    cookie ??= cookiesOf(res).visitor;
    return res.json();
  };
  const now = Date.now();
  for (let i = 0; i < size; i += 50) {
    const filled = await post(Array.from({ length: Math.min(50, size - i) }, (_, j) => ({
      id: `hist-${size}-${i + j}`, type: TYPES[(i + j) % TYPES.length], ts: now - (size - i - j) * 30_000,
      props: { item_id: `p${(i + j) % 40}`, category: CATEGORIES[(i + j) % 4], price: 1000 + ((i + j) % 7) * 100 },
    })));
    if (filled.rejected?.length || filled.error) throw new Error(`history not kept: ${JSON.stringify(filled).slice(0, 300)}`);
  }
  const times = [];
  for (let k = 0; k < 200; k++) {
    const t = performance.now();
    const r = await post([{ id: `next-${size}-${k}`, type: "view_item", ts: Date.now(), props: { item_id: "p1", category: "sneakers", price: 2890 } }]);
    if (r.kept !== 1) throw new Error(`event not kept: ${JSON.stringify(r)}`);
    times.push(performance.now() - t);
  }
  // The Durable Object's own SQLite size (what storage is billed on), via the visitor's own view.
  const me = await (await fetch(`${url}/rujai/me`, { headers: { cookie, "user-agent": BROWSER_UA } })).json();
  await mf.dispose();
  rmSync(persist, { recursive: true, force: true });
  return { ms: med(times), bytes: me.storedBytes, events: me.events.length };
}

console.log("(b) per-event ingest, one event per request · (c) bytes stored per visitor");
console.log("history | ms per event (median of 200) | stored bytes | bytes per event");
console.log("--- | --- | --- | ---");
for (const size of [100, 1000, 10000]) {
  const { ms, bytes, events } = await ingestCost(size);
  console.log(`${size.toLocaleString("en-US")} | ${ms.toFixed(2)} | ${bytes.toLocaleString("en-US")} | ${Math.round(bytes / events)}`);
}
