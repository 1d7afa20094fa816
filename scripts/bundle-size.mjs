// The deployed worker's size: `wrangler deploy --dry-run --outdir dist/worker` bundles it as
// Cloudflare would; this checks its gzip size against a budget (the admin page's editor and
// charts are most of it). Exit 1 over budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 450 * 1024;
const code = readFileSync("dist/worker/index.js");
const gzip = gzipSync(code, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`worker bundle: ${kib(code.length)}, ${kib(gzip)} gzip (budget ${kib(BUDGET)} gzip; Cloudflare allows 3 MiB free, 10 MiB paid)`);
if (gzip > BUDGET) {
  console.error(`over budget by ${kib(gzip - BUDGET)}`);
  process.exit(1);
}
