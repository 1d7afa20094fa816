// Script sizes side by side: rujai's served script and peer trackers bundled the way a site
// ships them (an entry that inits and tracks; esbuild minify, IIFE), raw / gzip -9 / brotli 11.
// Peers are installed into bench/peers on first use (pinned by its package-lock.json).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export function sizesOf(code) {
  const bytes = Buffer.from(code);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const PEERS = [
  ["plausible-tracker 0.3.9", "plausible-tracker.js", "no", "no"],
  ["@plausible-analytics/tracker 0.4.6", "plausible-analytics-tracker.js", "no", "no"],
  ["@snowplow/browser-tracker 4.10.1", "snowplow-browser-tracker.js", "yes", "localStorage"],
  ["@rudderstack/analytics-js 3.34.1", "rudderstack-analytics-js.js", "yes", "localStorage"],
  ["@segment/analytics-next 1.84.3", "segment-analytics-next.js", "opt-in", "localStorage"],
  ["posthog-js 1.449.2", "posthog-js.js", "yes", "memory"],
  ["idb-keyval get/set/del/createStore (for scale)", "idb-keyval.js", "—", "—"],
];

export async function sizeTable() {
  if (!existsSync("bench/peers/node_modules")) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", "bench/peers"], { stdio: "inherit" });
  }
  const rows = [["**rujai** `/rujai.js` (served)", sizesOf(readFileSync("dist/rujai.js")), "yes", "IndexedDB"]];
  rows.push(["rujai `extra.js` (loaded on use: decide, identify, reset, dataLayer)", sizesOf(readFileSync("dist/extra.js")), "—", "—"]);
  for (const [name, entry, batching, queue] of PEERS) {
    const out = await build({
      entryPoints: [`bench/peers/entries/${entry}`],
      bundle: true,
      minify: true,
      format: "iife",
      platform: "browser",
      target: "es2020",
      write: false,
      logLevel: "error",
      nodePaths: ["bench/peers/node_modules"],
      define: { "process.env.NODE_ENV": '"production"' },
    });
    rows.push([name, sizesOf(out.outputFiles[0].contents), batching, queue]);
  }
  const fmt = (n) => n.toLocaleString("en-US");
  const lines = ["script | raw B | min+gzip B | min+brotli B | batching | persistent queue", "--- | --- | --- | --- | --- | ---"];
  for (const [name, s, batching, queue] of rows) lines.push(`${name} | ${fmt(s.raw)} | ${fmt(s.gzip)} | ${fmt(s.brotli)} | ${batching} | ${queue}`);
  return { rows, markdown: lines.join("\n") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await sizeTable()).markdown);
}
