// npm run bench:startworker — the page cost measured a second way: each target started through
// wrangler's programmatic dev API (unstable_startWorker, inspector off, wrangler.toml for
// rujai), load sent straight to its workerd runtime (not through wrangler's proxy worker), CPU
// from the workerd processes each start spawned. Same loopback origin, pages, visitor kinds
// and rotation as `npm run bench` (Miniflare directly).
//   BENCH_SECONDS=0.5 BENCH_ROUNDS=24 BENCH_SIZES="10 KB,100 KB" npm run bench:startworker
import { unstable_startWorker } from "wrangler";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import { BROWSER_UA, cookiesOf, sendEvents, sneakerViews } from "./rujai-target.mjs";
import { buildGrowthbook, GROWTHBOOK_PAYLOAD } from "./growthbook-target.mjs";
import { pageOfSize } from "./pages.mjs";
import { cpuMs, workerdPids } from "./cpu.mjs";
import { ratioText, timeRounds } from "./rounds.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 24);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ALL_SIZES = { "10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000 };
const SIZES = process.env.BENCH_SIZES ? Object.fromEntries(Object.entries(ALL_SIZES).filter(([k]) => process.env.BENCH_SIZES.split(",").includes(k))) : ALL_SIZES;

const pages = Object.fromEntries(Object.entries(ALL_SIZES).map(([name, bytes]) => [name, Buffer.from(pageOfSize(bytes))]));
const origin = http.createServer((req, res) => {
  const page = pages[decodeURIComponent(new URL(req.url, "http://x").pathname.slice(1))];
  if (!page) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));
const ORIGIN = `http://127.0.0.1:${origin.address().port}`;
const text = (value) => ({ type: "plain_text", value });
const STATE = mkdtempSync(join(tmpdir(), "rujai-bench-state-"));

/**
 * Starts a worker and finds its runtime's own URL: wrangler's proxy worker forwards to it, and
 * the address is only handed over in the reload event, so a config patch triggers one more.
 */
async function start(name, input) {
  const before = workerdPids();
  const worker = await unstable_startWorker({ ...input, dev: { inspector: false, server: { hostname: "127.0.0.1", port: 0 }, watch: false, logLevel: "none", persist: STATE } });
  await worker.ready;
  let direct;
  let reloadedAt = 0;
  const env = worker.raw;
  const dispatch = env.dispatch.bind(env);
  env.dispatch = (event) => {
    if (event.type === "reloadComplete") {
      direct = event.proxyData.userWorkerUrl;
      reloadedAt = Date.now();
    }
    if (event.type === "error") console.error(`${name}:`, event.cause ?? event);
    return dispatch(event);
  };
  await worker.patchConfig({ bindings: { ...(input.bindings ?? {}), BENCH_RELOAD: text(String(Date.now())) } });
  await worker.ready;
  // A reload can be followed by another: use the runtime once it has stayed put for 2 s.
  for (let i = 0; (!direct || Date.now() - reloadedAt < 2_000) && i < 200; i++) await new Promise((r) => setTimeout(r, 50));
  if (!direct) throw new Error(`${name}: no runtime address`);
  // The reload may have replaced a process: those alive now are the ones measured.
  const pids = [...workerdPids()].filter((p) => !before.has(p) && existsSync(`/proc/${p}/stat`));
  return { name, worker, url: `${direct.protocol}//${direct.hostname}:${direct.port}`, pids };
}

await buildGrowthbook();
const targets = [];
// wrangler.toml without the demo shop's static assets, as a deployment in front of a real
// origin has it (scripts/deploy.mjs drops them too): with [assets], wrangler dev puts its
// asset router in front of the worker, a second worker on every request.
const BENCH_CONFIG = ".bench.wrangler.toml";
writeFileSync(BENCH_CONFIG, readFileSync("wrangler.toml", "utf8").replace(/^\[assets\][\s\S]*?\n\n/m, ""));
// The audience index's tables in the bench's own local state (not the demo's .wrangler/state):
// without them the seeded visitors' index writes fail and are retried during the first turns.
execFileSync("node_modules/.bin/wrangler", ["d1", "migrations", "apply", "AUDIENCE", "--local", "--config", BENCH_CONFIG, "--persist-to", STATE], { stdio: "ignore", env: { ...process.env, CI: "true" } });
const rujai = await start("rujai", { config: BENCH_CONFIG, bindings: { ORIGIN: text(ORIGIN) } });
rmSync(BENCH_CONFIG);
const admin = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars.example", "utf8"))[1].trim();
const saved = await fetch(`${rujai.url}/rujai/admin/rules`, { method: "PUT", headers: { authorization: `Bearer ${process.env.RUJAI_ADMIN_TOKEN ?? admin}` }, body: readFileSync("demo-site/rules.json", "utf8") });
if (!saved.ok) throw new Error(`rules not saved: ${saved.status} ${await saved.text()} (is .dev.vars's ADMIN_TOKEN the example's?)`);

// A returning sneaker fan (the holdout's 10 % aside: the check below says which).
let visitor, snapshot;
for (let n = 0; n < 50; n++) {
  const now = Date.now();
  const views = sneakerViews(`sw-view-${n}`, now);
  const ingest = await sendEvents(rujai.url, views);
  ({ visitor, snapshot } = cookiesOf(ingest));
  const check = await (await fetch(`${rujai.url}/10%20KB`, { headers: { accept: "text/html", "user-agent": BROWSER_UA, cookie: `${visitor}; ${snapshot}` } })).text();
  if (check.includes("New sneakers")) break;
}
const floor = await start("floor", { config: "bench/targets/floor.wrangler.toml", bindings: { ORIGIN: text(ORIGIN) } });
const growthbook = await start("GrowthBook edge", {
  config: "bench/targets/growthbook.wrangler.toml",
  bindings: { PROXY_TARGET: text(ORIGIN), DISABLE_INJECTIONS: text("true"), GB_PAYLOAD: text(JSON.stringify(GROWTHBOOK_PAYLOAD)) },
});
const browser = { accept: "text/html", "user-agent": BROWSER_UA };
targets.push(
  { ...floor, headers: browser },
  { ...growthbook, headers: browser },
  { ...rujai, name: "rujai, returning (snapshot)", headers: { ...browser, cookie: `${visitor}; ${snapshot}` }, jar: "rujai_seg" },
  { ...rujai, name: "rujai, new visitor", headers: browser },
  { ...rujai, name: "rujai, returning (profile asked)", headers: { ...browser, cookie: visitor } },
);

const alive = (pid) => existsSync(`/proc/${pid}/stat`);
const cpuOf = (t) => t.pids.filter(alive).reduce((s, p) => s + cpuMs(p), 0);
const results = await timeRounds(targets, { sizes: Object.keys(SIZES), rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, cpuOf });

const fmt = (n, d = 0) => n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
console.log(`Page cost through unstable_startWorker (${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds, targets alternated; load straight to each runtime; ratios over the run (range over its thirds))`);
for (const [size, by] of Object.entries(results)) {
  console.log(`\n${size} page | req/s | CPU ms/req | req/s ÷ floor | CPU ÷ floor | ÷ GrowthBook req/s`);
  console.log("--- | --- | --- | --- | --- | ---");
  for (const [name, r] of Object.entries(by)) {
    console.log(`${name} | ${fmt(r.rps)} | ${fmt(r.cpu, 2)} | ${ratioText(r.rpsRatio, ROUNDS)} | ${ratioText(r.cpuRatio, ROUNDS)} | ${fmt(r.rps / by["GrowthBook edge"].rps, 1)}×${r.errors ? ` (${r.errors} errors)` : ""}`);
  }
}
for (const t of [floor, growthbook, rujai]) await t.worker.dispose();
rmSync(STATE, { recursive: true, force: true });
origin.close();
