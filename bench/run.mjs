// npm run bench — rujai's figures: workers started with Miniflare directly (no wrangler dev, no
// inspector), a loopback origin, every target in BENCH_PROCESSES workerd processes, targets and
// processes alternated in short turns in one run, CPU read from each workerd process.
//   BENCH_SECONDS=0.5 BENCH_ROUNDS=12 BENCH_PROCESSES=2 BENCH_CONNECTIONS=10 npm run bench
// (npm run bench:size prints only the script-size table.)
import { build } from "esbuild";
import { BROWSER_UA, buildRujai, cookiesOf, rujaiOptions, sendEvents, sneakerViews } from "./rujai-target.mjs";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { timing } from "./load.mjs";
import { pageOfSize } from "./pages.mjs";
import { sizeTable } from "./sizes.mjs";
import { buildGrowthbook, growthbookOptions, GROWTHBOOK_PAYLOAD } from "./growthbook-target.mjs";
import { cpuMs, peakRssMb, startMeasured } from "./cpu.mjs";
import { pinCpus, ratioText, timeRounds } from "./rounds.mjs";

// Many short turns rather than a few long ones (bench/rounds.mjs says why); each round gives
// every process of every target one turn.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ALL_SIZES = { "10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000 };
// BENCH_SIZES="10 KB" times only some pages (all are still checked for correctness).
const SIZES = process.env.BENCH_SIZES
  ? Object.fromEntries(Object.entries(ALL_SIZES).filter(([k]) => process.env.BENCH_SIZES.split(",").includes(k)))
  : ALL_SIZES;
import { COMPAT } from "./rujai-target.mjs";

// ── Script sizes, rujai and peers ─────────────────────────────────────────────────────────
const sizes = await sizeTable();
const sdk = sizes.rows[0][1];
console.log(`\nScript sizes (esbuild minify; gzip -9, brotli 11). rujai's budget: 2,048 B brotli.\n\n${sizes.markdown}\n`);

// ── Origin on loopback ────────────────────────────────────────────────────────────────────
const pages = Object.fromEntries(Object.entries(ALL_SIZES).map(([name, bytes]) => [name, Buffer.from(pageOfSize(bytes))]));
const STALL_MS = 400;
const origin = http.createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  if (path === "/stall") {
    // Headers and the slot at once, the tail only after STALL_MS: does rujai stream?
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "x-origin": "kept" });
    res.write(pages["10 KB"].subarray(0, 4000));
    setTimeout(() => res.end(pages["10 KB"].subarray(4000)), STALL_MS);
    return;
  }
  const page = pages[decodeURIComponent(path.slice(1))];
  if (!page) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length, "x-origin": "kept", "set-cookie": "origin=1; Path=/" });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));
const ORIGIN = `http://127.0.0.1:${origin.address().port}`;

// ── Targets ───────────────────────────────────────────────────────────────────────────────
await buildRujai();
await buildGrowthbook();

const start = (name, options) => startMeasured(name, { compatibilityDate: COMPAT, modules: true, bindings: { ORIGIN }, ...options });

const rules = readFileSync("demo-site/rules.json", "utf8");
// Every target runs in BENCH_PROCESSES workerd processes (started interleaved), its turns
// spread over them: separate processes of one script differ by a few percent, which a single
// process per target put into every ratio.
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);
const WORKERS = {
  passThrough: ["pass-through", { scriptPath: "bench/targets/passthrough.js" }],
  floor: ["floor", { scriptPath: "bench/targets/floor.js" }],
  floorTwo: ["floor, two slots", { scriptPath: "bench/targets/floor-two-slots.js" }],
  floorContract: ["floor, rujai's contract", { scriptPath: "bench/targets/floor-contract.js" }],
  growthbook: ["GrowthBook edge", { compatibilityFlags: ["nodejs_compat"], ...growthbookOptions(ORIGIN) }],
  rujai: ["rujai", rujaiOptions(ORIGIN)],
  // The same worker with exposures left to the browser's SDK: what recording them at the edge costs.
  quiet: ["rujai, no edge exposures", rujaiOptions(ORIGIN, { EXPOSURES: "browser" })],
};
const started = Object.fromEntries(Object.keys(WORKERS).map((k) => [k, []]));
for (let n = 0; n < PROCESSES; n++) for (const [key, [name, options]] of Object.entries(WORKERS)) started[key].push(await start(name, options));
for (const gb of started.growthbook) await (await gb.mf.getKVNamespace("KV_GB_PAYLOAD")).put("gb_payload", JSON.stringify(GROWTHBOOK_PAYLOAD));
const rujaiFamily = [...started.rujai, ...started.quiet];
for (const t of rujaiFamily) await (await t.mf.getKVNamespace("RULES")).put("rules", rules);
const rujai = started.rujai[0];

// A returning sneaker fan outside the holdout (the hero shows the sneaker promo).
const { bucket } = await import("./.build/hash.mjs").catch(async () => {
  await build({ entryPoints: ["worker/core/hash.ts"], bundle: true, format: "esm", outfile: "bench/.build/hash.mjs", logLevel: "warning" });
  return import("./.build/hash.mjs");
});
// The worker gives out (signed) visitor ids: new visitors until one is outside the holdout.
let ingest, visitor, snapshot, views;
for (let n = 0; ; n++) {
  const now = Date.now();
  views = sneakerViews(`bench-view-${n}`, now);
  ingest = await sendEvents(rujai.url, views);
  if (!ingest.ok) throw new Error(`seeding the profile failed: ${ingest.status} ${await ingest.text()}`);
  ({ visitor, snapshot } = cookiesOf(ingest));
  if (bucket(visitor.slice("rujai_id=".length).split(".")[0], "sneakers-20:holdout") >= 0.1) break;
}
if (!snapshot) throw new Error("the ingest answer set no segment snapshot");
// The same visitor's profile in every other rujai process (the cookie secret is shared, the
// storage is not), so a profile-asked page — or a snapshot renewed there — says the same.
for (const t of rujaiFamily.slice(1)) {
  const seeded = await sendEvents(t.url, views, visitor);
  if (!seeded.ok) throw new Error(`seeding ${t.name} failed: ${seeded.status}`);
}
// Three kinds of visitor: returning with the snapshot their last ingest set (as a browser
// would send it back: no Durable Object call), new (no cookie: decided at the edge), and
// returning without a snapshot (the Profile object is asked on every page).
const browser = { accept: "text/html", "user-agent": BROWSER_UA };
const KINDS = {
  snapshot: { ...browser, cookie: `${visitor}; ${snapshot}` },
  new: browser,
  profile: { ...browser, cookie: visitor },
};
/** One target per process of `worker`, all in `group`. */
const each = (worker, spec) => started[worker].map((t, n) => ({ ...t, ...spec, group: spec.name ?? t.name, name: `${spec.name ?? t.name} #${n + 1}` }));
const targets = [
  ...each("passThrough", { headers: browser, swap: null }),
  ...each("floor", { headers: browser, swap: "<h2>swapped</h2>" }),
  ...each("floorTwo", { headers: browser, swap: "<b>promo swapped</b>" }),
  ...each("floorContract", { headers: KINDS.snapshot, swap: 'data-rujai-rule="sneakers-20" data-rujai-variant="default"><h2>swapped</h2>' }),
  // GrowthBook's edge app answers with its own headers, not the origin's.
  ...each("growthbook", { headers: browser, swap: "<h2>swapped</h2>", ownHeaders: true }),
  // A snapshot expires (at the next instant a segment could change): the load renews it from
  // the Set-Cookie of the page that asked the profile, as a browser does.
  ...each("rujai", { name: "rujai, returning (snapshot)", headers: KINDS.snapshot, jar: "rujai_seg", swap: "New sneakers −20%" }),
  // What a new visitor's promo shows depends on the hour (evening shipping, else the first-order offer).
  ...each("rujai", { name: "rujai, new visitor", headers: KINDS.new, swap: 'data-rujai-slot="promo" data-rujai-rule="' }),
  ...each("rujai", { name: "rujai, returning (profile asked)", headers: KINDS.profile, swap: "New sneakers −20%" }),
  ...each("quiet", { name: "rujai, snapshot, no edge exposures", headers: KINDS.snapshot, jar: "rujai_seg", swap: "New sneakers −20%" }),
];
const allProcesses = Object.values(started).flat();

// ── Correctness before timing ─────────────────────────────────────────────────────────────
for (const t of targets) {
  for (const [size, page] of Object.entries(pages)) {
    const r = await timing(`${t.url}/${encodeURIComponent(size)}`, t.headers);
    const complete = r.body.endsWith("end of page</footer></body></html>");
    const swapped = t.swap === null ? r.body === page.toString() : r.body.includes(t.swap);
    const kept = r.headers["x-origin"] === "kept" && String(r.headers["set-cookie"] ?? "").includes("origin=1");
    if (r.status !== 200 || !complete || !swapped || (!kept && !t.ownHeaders)) {
      throw new Error(`${t.name} ${size}: status ${r.status}, complete ${complete}, swapped ${swapped}, headers kept ${kept}`);
    }
  }
}
const stall = await timing(`${rujai.url}/stall`, KINDS.snapshot);
console.log(
  `Streaming: origin holds its tail ${STALL_MS} ms; rujai's headers after ${stall.headersAt.toFixed(0)} ms, whole page after ${stall.doneAt.toFixed(0)} ms` +
    ` (personalized: ${stall.body.includes("New sneakers")})\n`,
);

// ── Timed runs, alternating targets round by round ────────────────────────────────────────
// BENCH_ONLY="floor,snapshot" times only the targets whose names contain one of those words
// (the floor, the reference, always runs).
const timed = process.env.BENCH_ONLY ? targets.filter((t) => t.group === "floor" || process.env.BENCH_ONLY.split(",").some((w) => t.group.includes(w))) : targets;
const pinned = pinCpus(allProcesses.map((t) => t.pid));
const results = await timeRounds(timed, { sizes: Object.keys(SIZES), rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, cpuOf: (t) => cpuMs(t.pid) });
// Peak memory of the largest process a target ran in.
for (const byTarget of Object.values(results)) for (const t of timed) byTarget[t.group].rss = Math.max(byTarget[t.group].rss ?? 0, peakRssMb(t.pid));

// ── Report ────────────────────────────────────────────────────────────────────────────────
const fmt = (n, d = 0) => n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
/** "snapshot 100 %": where rujai's pages said their segments came from (Server-Timing). */
function sourcesText(sources) {
  const total = Object.values(sources).reduce((s, n) => s + n, 0);
  if (!total) return "—";
  return Object.entries(sources).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${fmt((100 * n) / total, (100 * n) / total > 99.5 && n < total ? 1 : 0)} %`).join(", ");
}
console.log(
  `Page cost (${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds over ${PROCESSES} processes per target${pinned ? ", workers pinned to one CPU, load and origin to the other" : ""}, targets alternated; ` +
    "req/s and CPU = workerd user+sys per request over all turns, latency medians of turns; ratios to the floor over the run (range over its thirds))",
);
for (const [size, byTarget] of Object.entries(results)) {
  console.log(`\n${size} page | req/s | p50 ms | p95 ms | CPU ms/req | peak RSS MB | req/s ÷ floor | CPU ÷ floor | segments from`);
  console.log("--- | --- | --- | --- | --- | --- | --- | --- | ---");
  for (const [name, r] of Object.entries(byTarget)) {
    console.log(
      `${name} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${fmt(r.cpu, 2)} | ${fmt(r.rss)} | ${ratioText(r.rpsRatio, ROUNDS)} | ${ratioText(r.cpuRatio, ROUNDS)} | ${sourcesText(r.sources)}` +
        (r.errors ? ` (${r.errors} errors)` : "") +
        (r.skipped ? ` (${r.skipped} pages not personalized)` : ""),
    );
  }
}
console.log("");
for (const [size, byTarget] of Object.entries(results)) {
  const on = byTarget["rujai, returning (snapshot)"];
  const off = byTarget["rujai, snapshot, no edge exposures"];
  const gb = byTarget["GrowthBook edge"];
  const kinds = { snapshot: "rujai, returning (snapshot)", new: "rujai, new visitor", "profile asked": "rujai, returning (profile asked)" };
  const timedKinds = Object.entries(kinds).filter(([, name]) => byTarget[name]);
  if (gb) console.log(`${size}: rujai ÷ GrowthBook req/s ${timedKinds.map(([, name]) => `${fmt(byTarget[name].rps / gb.rps, 1)}×`).join(" / ")} (${timedKinds.map(([kind]) => kind).join(" / ")})`);
  if (on && off) console.log(`${size}: edge exposures ${fmt(on.rps / off.rps, 2)}× the req/s and ${fmt(on.cpu / off.cpu, 2)}× the CPU of the same worker without them`);
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", JSON.stringify({ date: new Date().toISOString(), sdk, stall, results }, null, 2));

await Promise.all(allProcesses.map((t) => t.mf.dispose()));
origin.close();
