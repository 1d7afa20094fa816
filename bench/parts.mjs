// npm run bench:parts — what each part of the page path costs, in µs of workerd CPU, for a
// returning visitor with a snapshot, a new one and one without a snapshot (bench/parts-entry.ts runs each part
// N times inside one request; the process's CPU over the loop, less the loop's own).
//   BENCH_N=50000 npm run bench:parts
// Load tests (npm run bench, bench:ab) move ±3 % between runs: a part worth 2 µs of a
// ~80–90 µs page is below what they resolve, and the CPU profiler inflates every call into the
// runtime (under it, reading request headers once instead of ~25 times looked like a 20 % saving;
// bench:ab and this bench both measured none).
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { BROWSER_UA, buildRujai, cookiesOf, rujaiOptions, sendEvents, sneakerViews } from "./rujai-target.mjs";
import { cpuMs, startMeasured } from "./cpu.mjs";
import { pageOfSize } from "./pages.mjs";

const N = Number(process.env.BENCH_N ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// BENCH_PARTS="page path|floor" times only the parts whose names match (the loop always runs).
const ONLY = process.env.BENCH_PARTS ? new RegExp(process.env.BENCH_PARTS) : undefined;
await buildRujai("bench/parts-entry.ts", "bench/.build/parts.mjs");
await buildRujai();
const rules = readFileSync("demo-site/rules.json", "utf8");
const options = rujaiOptions("http://127.0.0.1:9");
const durableObjects = { ...options.durableObjects, PING: { className: "Ping", useSQLite: true } };
const parts = await startMeasured("parts", { ...options, durableObjects, scriptPath: "bench/.build/parts.mjs", bindings: { ...options.bindings, PAGE_HTML: pageOfSize(10_000) } });
// The real worker gives out a signed visitor and snapshot (the cookie secret is the same).
const worker = new Miniflare(options);
const workerUrl = (await worker.ready).toString().replace(/\/$/, "");
for (const mf of [parts.mf, worker]) await (await mf.getKVNamespace("RULES")).put("rules", rules);
// (The parts process keeps no profile for this visitor: the profile-asked column times the
// Durable Object call and an empty profile's evaluation.)
const { visitor, snapshot } = cookiesOf(await sendEvents(workerUrl, sneakerViews("parts-view")));
await worker.dispose();

const browser = { accept: "text/html,application/xhtml+xml", "accept-language": "th,en;q=0.8", "accept-encoding": "gzip, br", "user-agent": BROWSER_UA };
const VISITORS = {
  "returning, snapshot": { ...browser, cookie: `${visitor}; ${snapshot}; _ga=GA1.2.3` },
  new: browser,
  "returning, no snapshot": { ...browser, cookie: `${visitor}; _ga=GA1.2.3` },
};
const names = (await (await fetch(`${parts.url}/parts`)).json()).filter((name, i) => i === 0 || !ONLY || ONLY.test(name));
const table = {};
for (const [kind, headers] of Object.entries(VISITORS)) {
  const times = Object.fromEntries(names.map((p) => [p, []]));
  let source;
  for (let round = 0; round < ROUNDS; round++) {
    for (const part of names) {
      const before = cpuMs(parts.pid);
      const res = await fetch(`${parts.url}/?part=${encodeURIComponent(part)}&n=${N}`, { headers });
      const text = await res.text();
      if (!res.ok) throw new Error(`part "${part}" (${kind}) failed: ${res.status} ${text.slice(0, 300)}`);
      ({ source } = JSON.parse(text));
      times[part].push(((cpuMs(parts.pid) - before) * 1000) / N);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  if (ROUNDS > 1) for (const p of names) times[p] = times[p].slice(1); // the first round warms up
  const loop = median(times[names[0]]);
  table[kind] = { source, parts: Object.fromEntries(names.slice(1).map((p) => [p, median(times[p]) - loop])), loop };
}
console.log(`Page path parts (µs of workerd CPU per page, median of ${ROUNDS > 1 ? ROUNDS - 1 : 1} runs after a warm-up of ${N.toLocaleString("en-US")}, the loop's own cost taken off)\n`);
console.log(`part | ${Object.entries(table).map(([k, t]) => `${k} (decided from ${t.source})`).join(" | ")}`);
console.log(`--- | ${Object.keys(table).map(() => "---").join(" | ")}`);
for (const part of names.slice(1)) console.log(`${part} | ${Object.values(table).map((t) => t.parts[part].toFixed(1)).join(" | ")}`);
console.log(`(the loop itself) | ${Object.values(table).map((t) => t.loop.toFixed(1)).join(" | ")}`);
await parts.mf.dispose();
