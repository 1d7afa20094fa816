// npm run bench:profile — where a page request's CPU goes, from a V8 CPU profile of the rujai
// worker under load (Miniflare directly, inspector on, the same 10 KB page and visitor kinds as
// `npm run bench`). Prints self time per function and per source file, so changes to the page
// path are chosen from measurements rather than guesses. It shows where to look, not what a
// change will save: under the profiler every call into the runtime costs more than it does
// without it, so judge a change with `npm run bench:ab` (and bench:parts for the µs).
//   BENCH_VISITOR=snapshot|new|profile BENCH_SECONDS=5 npm run bench:profile
// BENCH_VISITOR=floor profiles the bare-HTMLRewriter floor instead, for the side-by-side.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import http from "node:http";
import WebSocket from "ws";
import { BROWSER_UA, COMPAT, cookiesOf, rujaiOptions, sendEvents, sneakerViews } from "./rujai-target.mjs";
import { load } from "./load.mjs";
import { pageOfSize } from "./pages.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const VISITOR = process.env.BENCH_VISITOR ?? "snapshot";
const SIZE = Number(process.env.BENCH_PAGE_BYTES ?? 10_000);
// A free port for the inspector (a fixed one could still be held by an earlier, killed run).
const INSPECTOR = await new Promise((resolve) => {
  const probe = http.createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

// Readable names and a `// path` comment before each module: self time maps back to files.
await build({
  entryPoints: ["worker/index.ts"], bundle: true, format: "esm", platform: "neutral", target: "es2022", keepNames: true,
  external: ["cloudflare:workers", "stream"], outfile: "bench/.build/rujai-profile.mjs", logLevel: "warning",
  mainFields: ["module", "main"], conditions: ["workerd", "worker", "import"],
});
const bundle = readFileSync("bench/.build/rujai-profile.mjs", "utf8").split("\n");
const fileAt = [];
let current = "(bundle)";
for (const line of bundle) {
  const m = /^\/\/ (.+\.(?:ts|js|mjs|cjs))$/.exec(line);
  if (m) current = m[1];
  fileAt.push(current);
}

const page = Buffer.from(pageOfSize(SIZE));
const origin = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));
const ORIGIN = `http://127.0.0.1:${origin.address().port}`;
const FLOOR = VISITOR === "floor";
const mf = new Miniflare({ ...rujaiOptions(ORIGIN), compatibilityDate: COMPAT, scriptPath: FLOOR ? "bench/targets/floor.js" : "bench/.build/rujai-profile.mjs", inspectorPort: INSPECTOR, ...(FLOOR ? { bindings: { ORIGIN } } : {}) });
// Killed or interrupted, the run still takes its workerd down with it.
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => void mf.dispose().finally(() => process.exit(130)));
const url = (await mf.ready).toString().replace(/\/$/, "");
await (await mf.getKVNamespace("RULES")).put("rules", readFileSync("demo-site/rules.json", "utf8"));

// A returning sneaker fan (as bench/run.mjs makes one), or a new visitor.
const ingest = await sendEvents(url, sneakerViews("prof-view"));
const { visitor, snapshot } = cookiesOf(ingest);
const cookie = FLOOR || VISITOR === "new" ? undefined : VISITOR === "profile" ? visitor : `${visitor}; ${snapshot}`;
const headers = { accept: "text/html", "user-agent": BROWSER_UA, ...(cookie ? { cookie } : {}) };
await load(`${url}/page`, { connections: 10, seconds: 1, headers }); // warm-up

const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR}/json`)).json();
const target = targets.find((t) => t.title?.includes("core:user")) ?? targets[0];
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r) => ws.once("open", r));
let next = 1;
const pending = new Map();
ws.on("message", (data) => {
  const msg = JSON.parse(data.toString());
  if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg.result);
});
const send = (method, params = {}) => new Promise((resolve) => {
  const id = next++;
  pending.set(id, resolve);
  ws.send(JSON.stringify({ id, method, params }));
});
await send("Profiler.enable");
await send("Profiler.setSamplingInterval", { interval: 100 });
await send("Profiler.start");
const r = await load(`${url}/page`, { connections: 10, seconds: SECONDS, headers });
const { profile } = await send("Profiler.stop");
ws.close();

// Self time per node → per function and per file (samples × interval).
const total = profile.samples.length;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfCount = new Map();
for (const id of profile.samples) selfCount.set(id, (selfCount.get(id) ?? 0) + 1);
const perFunction = new Map();
const perFile = new Map();
for (const [id, count] of selfCount) {
  const f = byId.get(id).callFrame;
  const file = f.url?.includes("rujai-profile") ? fileAt[f.lineNumber] ?? "(bundle)" : f.url || `(${f.functionName || "native"})`;
  const name = `${f.functionName || "(anonymous)"} — ${file}:${f.lineNumber + 1}`;
  perFunction.set(name, (perFunction.get(name) ?? 0) + count);
  perFile.set(file, (perFile.get(file) ?? 0) + count);
}
const share = (n) => `${((100 * n) / total).toFixed(1)} %`;
console.log(`${VISITOR} visitor, ${SIZE.toLocaleString("en-US")} B page: ${r.requests.toLocaleString("en-US")} requests in ${SECONDS} s (${Math.round(r.rps)} req/s under the profiler), ${total} samples\n`);
console.log("self time by source file | share\n--- | ---");
for (const [file, n] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${file} | ${share(n)}`);
console.log("\nself time by function | share\n--- | ---");
for (const [name, n] of [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${name} | ${share(n)}`);
await mf.dispose();
origin.close();
