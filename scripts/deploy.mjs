#!/usr/bin/env node
// npm run deploy [-- --dry-run] [-- --origin https://shop.example.com --route shop.example.com/*]
//
// Puts rujai in front of a real site, step by step:
//  1. finds or creates the KV namespace, the D1 database and the two queues;
//  2. writes wrangler.production.toml: wrangler.toml with their ids, ORIGIN and the route,
//     and without the demo shop's static assets (the demo stays `npm start`);
//  3. asks for each secret that is not set yet (wrangler secret put — typed, never echoed);
//  4. applies the D1 migrations; 5. deploys; 6. seeds the example rules only if KV has none.
// --dry-run works offline: it prints every step and the production config, and changes nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : process.env[`RUJAI_${name.toUpperCase()}`];
};
const origin = option("origin") ?? "https://shop.example.com";
const route = option("route") ?? `${new URL(origin).host}/*`;
const host = new URL(origin).hostname;
// The Cloudflare zone the route belongs to: --zone, else the host without its first label.
const zone = option("zone") ?? (host.split(".").length > 2 ? host.split(".").slice(1).join(".") : host);
const CONFIG = "wrangler.production.toml";
const NAMES = { kv: "rujai-rules", d1: "rujai-audience", queues: ["rujai-audience", "rujai-deliveries"] };
const SECRETS = [
  ["ADMIN_TOKEN", "the admin API's bearer token (a long random string)"],
  ["IDENTIFY_SECRET", "signs identify tokens; your backend holds the same value"],
  ["SNAPSHOT_SECRET", "signs visitor and snapshot cookies (independent of IDENTIFY_SECRET, so rotating that touches no cookie)"],
  ["SERVER_TOKEN", "your backend's bearer token for POST /rujai/server/e"],
];

const step = (n, text) => console.log(`\n${n}. ${text}`);
const wrangler = (...a) => execFileSync("npx", ["wrangler", ...a], { encoding: "utf8", stdio: ["inherit", "pipe", "inherit"] });
const json = (...a) => JSON.parse(wrangler(...a));

console.log(`rujai deploy${dryRun ? " (dry run: nothing is created, set or deployed)" : ""}\n  origin: ${origin}\n  route:  ${route} (zone ${zone})`);

step(1, `KV namespace "${NAMES.kv}", D1 database "${NAMES.d1}", queues ${NAMES.queues.map((q) => `"${q}"`).join(", ")}: found, or created`);
let kvId = "<created by wrangler kv namespace create>";
let d1Id = "<created by wrangler d1 create>";
if (!dryRun) {
  const kv = json("kv", "namespace", "list").find((n) => n.title === NAMES.kv || n.title.endsWith(`-${NAMES.kv}`));
  kvId = kv?.id ?? /"?id"?\s*[=:]\s*"([0-9a-f]{32})"/.exec(wrangler("kv", "namespace", "create", NAMES.kv))[1];
  const d1 = json("d1", "list", "--json").find((d) => d.name === NAMES.d1);
  d1Id = d1?.uuid ?? /"?database_id"?\s*[=:]\s*"([0-9a-f-]{36})"/.exec(wrangler("d1", "create", NAMES.d1))[1];
  const queues = wrangler("queues", "list");
  for (const q of NAMES.queues) if (!queues.includes(q)) wrangler("queues", "create", q);
}
console.log(`   KV ${kvId}\n   D1 ${d1Id}`);

step(2, `${CONFIG}: wrangler.toml with these ids, ORIGIN and the route, without the demo shop's assets`);
const production = productionConfig(readFileSync("wrangler.toml", "utf8"), { kvId, d1Id, origin, route, zone });
if (dryRun) console.log(production.replace(/^/gm, "   | "));
else writeFileSync(CONFIG, production);

step(3, "secrets (wrangler secret put; a destination's secrets too, by the names your rules give them)");
const existing = dryRun ? [] : json("secret", "list", "-c", CONFIG).map((s) => s.name);
for (const [name, why] of SECRETS) {
  if (existing.includes(name)) console.log(`   ${name}: already set`);
  else if (dryRun) console.log(`   ${name}: would ask for it — ${why}`);
  else spawnSync("npx", ["wrangler", "secret", "put", name, "-c", CONFIG], { stdio: "inherit" });
}
console.log("   Rotation: put the old value in IDENTIFY_SECRET_PREVIOUS, the new one in IDENTIFY_SECRET; remove the previous after 10 minutes (docs/identify.md).");

step(4, `D1 migrations (migrations/) on "${NAMES.d1}"`);
if (!dryRun) spawnSync("npx", ["wrangler", "d1", "migrations", "apply", NAMES.d1, "--remote", "-c", CONFIG], { stdio: "inherit", env: { ...process.env, CI: "true" } });

step(5, "deploy");
if (!dryRun) spawnSync("npx", ["wrangler", "deploy", "-c", CONFIG], { stdio: "inherit" });

step(6, "rules: the example document only if KV has none yet (then edit them at /rujai/admin)");
if (!dryRun) {
  const current = spawnSync("npx", ["wrangler", "kv", "key", "get", "rules", "--binding", "RULES", "--remote", "-c", CONFIG], { encoding: "utf8" });
  if (current.status !== 0 || !current.stdout.trim() || /not found/i.test(current.stdout)) {
    spawnSync("npx", ["wrangler", "kv", "key", "put", "rules", "--path", "demo-site/rules.json", "--binding", "RULES", "--remote", "-c", CONFIG], { stdio: "inherit" });
  } else console.log("   rules already present: left as they are");
}
console.log(dryRun ? "\nDry run done: run without --dry-run to do it." : `\nDone. Admin page: https://${route.replace(/\/\*$/, "")}/rujai/admin`);

/** wrangler.toml for production: real ids, ORIGIN and a route; no demo assets. Exported for tests. */
export function productionConfig(toml, { kvId, d1Id, origin, route, zone }) {
  return [
    "# Generated by npm run deploy from wrangler.toml: do not edit; edit wrangler.toml and deploy again.",
    toml
      .replace(/\n\[assets\][\s\S]*?(?=\n\[)/, "\n")
      .replace(/(binding = "RULES"\nid = )"[^"]*"/, `$1"${kvId}"`)
      .replace(/(database_id = )"[^"]*"/, `$1"${d1Id}"`)
      .replace(/# ORIGIN = .*\n?/, `ORIGIN = "${origin}"\n`)
      .replace(/^(main = .*)$/m, `$1\nroutes = [{ pattern = "${route}", zone_name = "${zone}" }]`),
  ].join("\n");
}
