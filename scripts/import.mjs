#!/usr/bin/env node
// Order history import, so RFM groups and purchase intent know your customers from day one.
//   npm run import -- orders.csv [--remote]
// CSV (UTF-8, a header row; a BOM is fine), one row per order:
//   user_id or visitor_id   whose order (your user id as identify's `sub`, or a rujai_id)
//   transaction_id          the order's id: importing the same order twice counts it once
//   date                    when it was placed: 2024-03-18 or 2024-03-18T14:05:00+07:00 (at most 10 years ago)
//   value                   the order's total, a number (0 – 100,000,000)
//   currency                optional, e.g. THB
// Sent as server events (POST {base}/server/e, Bearer SERVER_TOKEN) in batches of 50, with
// progress: locally to http://localhost:8787 with SERVER_TOKEN from .dev.vars; with --remote
// to $RUJAI_URL with $RUJAI_SERVER_TOKEN. A row the worker refuses is printed with its line
// number and reason; the rest are kept. Exit 0 when every row was kept, 1 otherwise.
import Papa from "papaparse";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [file, ...flags] = process.argv.slice(2);
const usage = "usage: npm run import -- <orders.csv> [--remote]";
const BATCH = 50;

if (!file || file.startsWith("-")) {
  console.error(usage);
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`${file}: no such file`);
  process.exit(2);
}

function localToken() {
  const vars = join(root, existsSync(join(root, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example");
  return /^SERVER_TOKEN=(.*)$/m.exec(readFileSync(vars, "utf8"))?.[1]?.trim();
}

const remote = flags.includes("--remote");
const base = (remote ? process.env.RUJAI_URL : process.env.RUJAI_URL ?? "http://localhost:8787")?.replace(/\/$/, "");
const token = remote ? process.env.RUJAI_SERVER_TOKEN : process.env.RUJAI_SERVER_TOKEN ?? localToken();
if (!base || !token) {
  console.error("set RUJAI_URL and RUJAI_SERVER_TOKEN for --remote");
  process.exit(2);
}
const basePath = process.env.RUJAI_BASE_PATH ?? "/rujai";

/** The row as a server event, or the reason it cannot be one. Line numbers count the header as 1. */
function eventOf(row) {
  const who = row.user_id ? { userId: row.user_id } : row.visitor_id ? { visitorId: row.visitor_id } : null;
  if (!who) return "give user_id or visitor_id";
  if (!row.transaction_id) return "give transaction_id";
  const ts = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(row.date ?? "") ? `${row.date}T00:00:00Z` : row.date ?? "");
  if (!Number.isFinite(ts)) return `date "${row.date ?? ""}" is not a date like 2024-03-18`;
  const value = Number(row.value);
  if (row.value === undefined || row.value === "" || !Number.isFinite(value)) return `value "${row.value ?? ""}" is not a number`;
  // The same order always gets the same event id: a re-run is deduplicated by the worker too.
  const id = `imp-${createHash("sha256").update(`${who.userId ?? who.visitorId}\u0000${row.transaction_id}`).digest("base64url").slice(0, 40)}`;
  const props = { transaction_id: row.transaction_id, value, ...(row.currency ? { currency: row.currency } : {}) };
  return { id, type: "purchase", ts, props, ...who };
}

const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
const parsed = Papa.parse(text, { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim().toLowerCase() });
const rows = parsed.data;
let kept = 0;
let duplicates = 0;
const problems = [];
const events = [];
rows.forEach((row, i) => {
  const e = eventOf(row);
  if (typeof e === "string") problems.push({ line: i + 2, reason: e });
  else events.push({ line: i + 2, event: e });
});

for (let i = 0; i < events.length; i += BATCH) {
  const batch = events.slice(i, i + BATCH);
  const res = await fetch(`${base}${basePath}/server/e`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ sentAt: Date.now(), events: batch.map((b) => b.event) }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status >= 500 || res.status === 401 || res.status === 413 || res.status === 429) {
    console.error(`✗ the worker answered ${res.status}: ${body.error ?? "no answer"} — stopped after ${kept} orders; run again to continue (kept orders count once)`);
    process.exit(1);
  }
  kept += body.kept ?? 0;
  duplicates += body.duplicates ?? 0;
  for (const r of body.rejected ?? []) problems.push({ line: batch[r.index].line, reason: r.reason });
  console.log(`… ${Math.min(i + BATCH, events.length).toLocaleString("en-US")} / ${events.length.toLocaleString("en-US")} orders sent (${kept.toLocaleString("en-US")} kept, ${duplicates.toLocaleString("en-US")} already there)`);
}
problems.sort((a, b) => a.line - b.line);
for (const p of problems) console.error(`  line ${p.line}: ${p.reason}`);
console.log(`${problems.length ? "✗" : "✓"} ${file}: ${rows.length.toLocaleString("en-US")} rows, ${kept.toLocaleString("en-US")} orders kept, ${duplicates.toLocaleString("en-US")} already imported, ${problems.length} refused`);
process.exit(problems.length ? 1 : 0);
