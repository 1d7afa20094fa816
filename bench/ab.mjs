// npm run bench:ab -- <git revision> — the page path of the working tree against the same path
// at an earlier revision, side by side in one run: both bundles in BENCH_PROCESSES workerd
// processes, the floor as the reference, turns alternated (bench/rounds.mjs). For choosing a
// change to the page path by what it measurably saves, not by what it should save.
//   BENCH_VISITORS=snapshot,new,profile BENCH_SIZES="10 KB" npm run bench:ab -- HEAD
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { BROWSER_UA, buildRujai, cookiesOf, rujaiOptions, sendEvents, sneakerViews } from "./rujai-target.mjs";
import { cpuMs, startMeasured } from "./cpu.mjs";
import { pageOfSize } from "./pages.mjs";
import { ratioText, timeRounds } from "./rounds.mjs";

const REVISION = process.argv[2] ?? "HEAD";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);
const VISITORS = (process.env.BENCH_VISITORS ?? "snapshot,new").split(",");
const ALL_SIZES = { "10 KB": 10_000, "100 KB": 100_000 };
const SIZES = (process.env.BENCH_SIZES ?? "10 KB").split(",").filter((s) => s in ALL_SIZES);

// The earlier revision's worker, bundled like the working tree's (its packages resolve from
// this checkout's node_modules; the generated script and admin app are today's).
const BASE = "bench/.build/base";
rmSync(BASE, { recursive: true, force: true });
mkdirSync(BASE, { recursive: true });
execFileSync("tar", ["-x", "-C", BASE], { input: execFileSync("git", ["archive", REVISION, "worker", "sdk/src"], { maxBuffer: 1 << 28 }) });
cpSync("worker/generated", `${BASE}/worker/generated`, { recursive: true });
await buildRujai();
await buildRujai(`${BASE}/worker/index.ts`, "bench/.build/rujai-base.mjs");

const pages = Object.fromEntries(SIZES.map((s) => [s, Buffer.from(pageOfSize(ALL_SIZES[s]))]));
const origin = http.createServer((req, res) => {
  const page = pages[decodeURIComponent(new URL(req.url, "http://x").pathname.slice(1))];
  if (!page) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length, "set-cookie": "origin=1; Path=/" });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));
const ORIGIN = `http://127.0.0.1:${origin.address().port}`;

// Each process holds all three workers, each on its own socket (no Miniflare entry worker in
// front): the few percent by which separate workerd processes differ then fall on the floor,
// the revision and the working tree alike, and a process's CPU during a turn is that turn's.
const direct = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
const { bindings, ...shared } = rujaiOptions(ORIGIN);
// Identical code in separate isolates differs by up to 5 % (JIT and heap state): every
// target runs in BENCH_COPIES isolates per process, so neither side rests on one lucky isolate.
const COPIES = Number(process.env.BENCH_COPIES ?? 3);
const copies = (label, name, options) => Array.from({ length: COPIES }, (_, k) => [label, { ...options, name: `${name}-${k}` }]);
const WORKERS = [
  ...copies("floor", "floor", { modules: true, scriptPath: "bench/targets/floor.js", bindings: { ORIGIN }, ...direct }),
  ...copies(REVISION, "base", { ...shared, bindings, scriptPath: "bench/.build/rujai-base.mjs", ...direct }),
  ...copies("working tree", "tree", { ...shared, bindings, ...direct }),
];
const processes = [];
for (let n = 0; n < PROCESSES; n++) {
  const { compatibilityDate } = shared;
  processes.push(await startMeasured(`process ${n + 1}`, { compatibilityDate, workers: WORKERS.map(([, { compatibilityDate: _, ...w }]) => ({ compatibilityDate, ...w })) }));
}
const started = { floor: [], [REVISION]: [], "working tree": [] };
for (const p of processes) for (const [label, w] of WORKERS) started[label].push({ ...p, url: (await p.mf.unsafeGetDirectURL(w.name)).toString().replace(/\/$/, "") });
const rujais = [...started[REVISION], ...started["working tree"]];
// Workers in one process share a KV namespace of the same id: one put serves all of them.
for (const p of processes) await (await p.mf.getKVNamespace("RULES", "tree-0")).put("rules", readFileSync("demo-site/rules.json", "utf8"));
process.once("SIGINT", () => void Promise.all(processes.map((p) => p.mf.dispose())).finally(() => process.exit(130)));

// One returning sneaker fan, known to every rujai process (the cookie secret is shared).
const views = sneakerViews("ab-view");
const { visitor, snapshot } = cookiesOf(await sendEvents(rujais[0].url, views));
for (const t of rujais.slice(1)) if (!(await sendEvents(t.url, views, visitor)).ok) throw new Error(`seeding ${t.name} failed`);
const browser = { accept: "text/html", "user-agent": BROWSER_UA };
const KINDS = { snapshot: { ...browser, cookie: `${visitor}; ${snapshot}` }, new: browser, profile: { ...browser, cookie: visitor } };

for (const kind of VISITORS) {
  const each = (name) => started[name].map((t, n) => ({ ...t, group: name, name: `${name} #${n + 1}`, headers: { ...KINDS[kind] }, jar: kind === "snapshot" ? "rujai_seg" : undefined }));
  const targets = [...each("floor"), ...each(REVISION), ...each("working tree")];
  const results = await timeRounds(targets, { sizes: SIZES, rounds: ROUNDS, seconds: SECONDS, connections: 10, cpuOf: (t) => cpuMs(t.pid) });
  for (const [size, r] of Object.entries(results)) {
    const base = r[REVISION];
    const tree = r["working tree"];
    console.log(`\n${kind} visitor, ${size} page (${SECONDS} s × ${ROUNDS} rounds, ${PROCESSES} processes × ${COPIES} isolates each) | req/s ÷ floor | CPU ÷ floor | segments from`);
    console.log("--- | --- | --- | ---");
    for (const [name, x] of Object.entries(r)) console.log(`${name} | ${ratioText(x.rpsRatio, ROUNDS)} | ${ratioText(x.cpuRatio, ROUNDS)} | ${Object.keys(x.sources).join(", ") || "—"}`);
    console.log(`working tree ÷ ${REVISION}: req/s ${(tree.rps / base.rps).toFixed(3)}×, CPU per request ${(tree.cpu / base.cpu).toFixed(3)}×`);
  }
}
await Promise.all(processes.map((p) => p.mf.dispose()));
origin.close();
