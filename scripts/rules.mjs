#!/usr/bin/env node
// The rules CLI — same validator and messages as the admin API.
//   npm run rules -- validate <file>
//   npm run rules -- push <file> [--remote]
// push goes through the admin API, so every version is kept in history with its author:
// locally to http://localhost:8787 with ADMIN_TOKEN from .dev.vars; with --remote to
// $RUJAI_URL with $RUJAI_ADMIN_TOKEN. $RUJAI_AUTHOR names who pushed (default: your user).
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [command, file, ...flags] = process.argv.slice(2);
const usage = "usage: npm run rules -- validate <file> | push <file> [--remote]";

async function loadValidator() {
  const out = await build({ entryPoints: [join(root, "worker/rules/validate.ts")], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "error" });
  const path = join(mkdtempSync(join(tmpdir(), "rujai-rules-")), "validate.mjs");
  writeFileSync(path, out.outputFiles[0].text);
  return import(pathToFileURL(path).href);
}

function printErrors(errors) {
  for (const e of errors) console.error(`  ${e.path}: ${e.message}`);
}

function localToken() {
  const vars = join(root, existsSync(join(root, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example");
  return /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(vars, "utf8"))?.[1]?.trim();
}

if (!["validate", "push"].includes(command) || !file) {
  console.error(usage);
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`${file}: no such file`);
  process.exit(2);
}
const text = readFileSync(file, "utf8");
const { validateRulesText } = await loadValidator();
const result = validateRulesText(text);
if (!result.ok) {
  console.error(`✗ ${file}: ${result.errors.length} error(s)`);
  printErrors(result.errors);
  process.exit(1);
}
const rules = Object.values(result.document.slots).reduce((n, list) => n + list.length, 0);
console.log(`✓ ${file} is valid: ${Object.keys(result.document.segments).length} segments, ${rules} slot rules`);
if (command === "validate") process.exit(0);

const remote = flags.includes("--remote");
const base = remote ? process.env.RUJAI_URL : process.env.RUJAI_URL ?? "http://localhost:8787";
const token = remote ? process.env.RUJAI_ADMIN_TOKEN : process.env.RUJAI_ADMIN_TOKEN ?? localToken();
if (!base || !token) {
  console.error("push --remote needs RUJAI_URL (your site, e.g. https://shop.example.com) and RUJAI_ADMIN_TOKEN");
  process.exit(2);
}
const basePath = process.env.RUJAI_BASE_PATH ?? "/rujai";
let res;
try {
  res = await fetch(`${base.replace(/\/$/, "")}${basePath}/admin/rules`, {
    method: "PUT",
    body: text,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-rujai-author": process.env.RUJAI_AUTHOR ?? userInfo().username },
  });
} catch (error) {
  console.error(`✗ could not reach ${base}: ${error.cause?.code ?? error.message}${remote ? "" : " (is `npm start` running?)"}`);
  process.exit(1);
}
const body = await res.json().catch(() => ({}));
if (!res.ok) {
  console.error(`✗ ${res.status}: ${body.error ?? res.statusText}`);
  if (body.errors) printErrors(body.errors);
  process.exit(1);
}
console.log(`✓ pushed to ${base}: version ${body.version} (${body.summary})`);
