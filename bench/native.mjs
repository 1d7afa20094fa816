// npm run bench:native — where a page's CPU goes inside workerd itself, by the runtime's own
// layers (kernel, allocator, V8, the JS↔C++ bindings, workerd's APIs, the HTML parser, the
// I/O event loop, JavaScript), in µs per request, for pass-through (no rewrite), the floor,
// the contract floor and rujai's three visitor kinds. Linux `perf` samples the workerd process
// (all its threads, C++ and kernel included) while each target takes load; the V8 profiler
// (bench:profile) sees only JavaScript and inflates every call into the runtime.
//   BENCH_SECONDS=3 BENCH_ROUNDS=2 BENCH_SIZE="10 KB" npm run bench:native
// Needs `perf` (Debian: linux-perf) and permission to attach to a process (root, or
// kernel.perf_event_paranoid ≤ 1). Sampling adds its own cost to every target alike.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { BROWSER_UA, COMPAT, buildRujai, cookiesOf, rujaiOptions, sendEvents, sneakerViews } from "./rujai-target.mjs";
import { cpuMs, startMeasured } from "./cpu.mjs";
import { pageOfSize } from "./pages.mjs";
import { load } from "./load.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SIZES = { "10 KB": 10_000, "100 KB": 100_000 };
const SIZE = process.env.BENCH_SIZE ?? "10 KB";
if (!(SIZE in SIZES)) throw new Error(`BENCH_SIZE must be one of ${Object.keys(SIZES).join(", ")}`);
try {
  execFileSync("perf", ["--version"], { stdio: "ignore" });
} catch {
  console.error("bench:native needs Linux perf (apt-get install linux-perf).");
  process.exit(1);
}

/** Each sampled function's layer, by the library it is in and its name; the first match wins. */
const LAYERS = [
  ["kernel (sockets, syscalls, scheduling)", ({ dso }) => dso.startsWith("[kernel")],
  ["JavaScript (JIT code, V8 builtins)", ({ dso, sym }) => dso.startsWith("[JIT]") || /^Builtins_/.test(sym)],
  ["HTML parser (lol-html)", ({ sym }) => /lol_html|selectors::|cssparser|encoding_rs/.test(sym)],
  ["memory allocator", ({ sym }) => /tcmalloc|TCMalloc/.test(sym)],
  ["V8 runtime and garbage collector", ({ sym }) => /^(v8::|cppgc::)/.test(sym)],
  ["JS↔C++ bindings (jsg)", ({ sym }) => /workerd::jsg::|jsg::/.test(sym)],
  ["workerd APIs (Headers, Request, Response, streams, HTMLRewriter)", ({ sym }) => /workerd::api::/.test(sym)],
  ["I/O runtime (event loop, promises, HTTP, RPC)", ({ sym }) => /^(kj::|capnp::|workerd::)/.test(sym)],
  ["libc (memcpy, strings)", ({ dso }) => dso.startsWith("libc")],
  ["other", () => true],
];

const page = Buffer.from(pageOfSize(SIZES[SIZE]));
const origin = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length, "set-cookie": "origin=1; Path=/" });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));
const ORIGIN = `http://127.0.0.1:${origin.address().port}`;

// One workerd process holds every target, each on its own socket (no Miniflare entry worker
// in front), so all are sampled in the same process.
await buildRujai();
const direct = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
const { bindings, compatibilityDate: _, ...rujai } = rujaiOptions(ORIGIN);
const WORKERS = [
  { name: "passthrough", modules: true, scriptPath: "bench/targets/passthrough.js", bindings: { ORIGIN } },
  { name: "floor", modules: true, scriptPath: "bench/targets/floor.js", bindings: { ORIGIN } },
  { name: "contract", modules: true, scriptPath: "bench/targets/floor-contract.js", bindings: { ORIGIN } },
  { name: "rujai", ...rujai, bindings },
].map((w) => ({ ...w, compatibilityDate: COMPAT, ...direct }));
const workerd = await startMeasured("native", { workers: WORKERS });
const url = {};
for (const w of WORKERS) url[w.name] = (await workerd.mf.unsafeGetDirectURL(w.name)).toString().replace(/\/$/, "");
await (await workerd.mf.getKVNamespace("RULES", "rujai")).put("rules", readFileSync("demo-site/rules.json", "utf8"));
const seeded = await sendEvents(url.rujai, sneakerViews("native-view"));
if (!seeded.ok) throw new Error(`seeding the profile failed: ${seeded.status} ${await seeded.text()}`);
const { visitor, snapshot } = cookiesOf(seeded);

const browser = { accept: "text/html", "user-agent": BROWSER_UA };
const TARGETS = [
  { name: "pass-through", worker: "passthrough", headers: browser },
  { name: "floor", worker: "floor", headers: browser },
  { name: "contract floor", worker: "contract", headers: browser },
  { name: "rujai, snapshot", worker: "rujai", headers: { ...browser, cookie: `${visitor}; ${snapshot}` }, jar: "rujai_seg" },
  { name: "rujai, new visitor", worker: "rujai", headers: browser },
  { name: "rujai, profile asked", worker: "rujai", headers: { ...browser, cookie: visitor } },
];
const path = `/${encodeURIComponent(SIZE)}`;
for (const t of TARGETS) await load(`${url[t.worker]}${path}`, { connections: 10, seconds: 1, headers: t.headers }); // warm-up

/** ns of CPU by layer in one perf recording. */
function layersOf(file) {
  const report = execFileSync("perf", ["report", "-i", file, "--no-children", "--stdio", "-g", "none", "-t", "|", "-F", "period,dso,sym"], { maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] }).toString();
  const ns = Object.fromEntries(LAYERS.map(([layer]) => [layer, 0]));
  for (const line of report.split("\n")) {
    if (line.startsWith("#") || !line.includes("|")) continue;
    const [period, dso, sym] = line.split("|").map((s) => s.trim());
    const row = { dso, sym: sym.replace(/^\[.\]\s*/, "") };
    ns[LAYERS.find(([, test]) => test(row))[0]] += Number(period);
  }
  return ns;
}

const totals = Object.fromEntries(TARGETS.map((t) => [t.name, { requests: 0, cpuMs: 0, ns: Object.fromEntries(LAYERS.map(([l]) => [l, 0])), sources: {} }]));
const file = "bench/.build/native.perf.data";
for (let round = 0; round < ROUNDS; round++) {
  for (const t of TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length])) {
    const perf = spawn("perf", ["record", "-F", "4999", "-o", file, "-p", String(workerd.pid)], { stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 300));
    const before = cpuMs(workerd.pid);
    const r = await load(`${url[t.worker]}${path}`, { connections: 10, seconds: SECONDS, headers: t.headers, jar: t.jar });
    if (t.jar) t.headers = r.headers;
    const cpu = cpuMs(workerd.pid) - before;
    perf.kill("SIGINT");
    await new Promise((r) => perf.on("exit", r));
    const sum = totals[t.name];
    sum.requests += r.requests;
    sum.cpuMs += cpu;
    for (const [layer, ns] of Object.entries(layersOf(file))) sum.ns[layer] += ns;
    for (const [k, n] of Object.entries(r.sources)) sum.sources[k] = (sum.sources[k] ?? 0) + n;
  }
}
rmSync(file, { force: true });
await workerd.mf.dispose();
origin.close();

const names = TARGETS.map((t) => t.name);
const per = (name, layer) => totals[name].ns[layer] / 1000 / totals[name].requests;
const sampled = (name) => LAYERS.reduce((s, [layer]) => s + per(name, layer), 0);
console.log(`\nwhere a ${SIZE} page's CPU goes inside workerd: µs per request, sampled by perf (${ROUNDS} × ${SECONDS} s per target, one process, 10 connections)\n`);
console.log(`layer | ${names.join(" | ")}`);
console.log(`--- | ${names.map(() => "---").join(" | ")}`);
for (const [layer] of LAYERS) console.log(`${layer} | ${names.map((n) => per(n, layer).toFixed(1)).join(" | ")}`);
console.log(`**all sampled** | ${names.map((n) => `**${sampled(n).toFixed(1)}**`).join(" | ")}`);
console.log(`÷ floor | ${names.map((n) => `${(sampled(n) / sampled("floor")).toFixed(2)}×`).join(" | ")}`);
console.log(`(process CPU from /proc, µs per request) | ${names.map((n) => ((totals[n].cpuMs * 1000) / totals[n].requests).toFixed(1)).join(" | ")}`);
console.log(`(rujai's segments came from) | ${names.map((n) => Object.keys(totals[n].sources).join(", ") || "—").join(" | ")}`);
