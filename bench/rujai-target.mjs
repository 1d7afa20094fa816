// The rujai worker as a benchmark target: bundled with esbuild and started with Miniflare
// directly (no wrangler dev, no inspector), with the bindings wrangler.toml gives it.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";

export const COMPAT = "2026-04-20";
export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/** rujai's worker (or another entry that imports it) bundled as the benches run it. */
export async function buildRujai(entry = "worker/index.ts", outfile = "bench/.build/rujai.mjs") {
  mkdirSync("bench/.build", { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:workers", "stream"], // papaparse reaches for Node streams only when parsing one
    outfile,
    logLevel: "warning",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
  });
}

/** Miniflare options for rujai in front of `origin`. */
export function rujaiOptions(origin, bindings = {}) {
  return {
    compatibilityDate: COMPAT,
    modules: true,
    scriptPath: "bench/.build/rujai.mjs",
    kvNamespaces: ["RULES"],
    durableObjects: {
      PROFILE: { className: "Profile", useSQLite: true },
      STATS: { className: "Stats", useSQLite: true },
      IDENTITY: { className: "Identity", useSQLite: true },
    },
    bindings: { ORIGIN: origin, BASE_PATH: "/rujai", DEFAULT_TIMEZONE: "Asia/Bangkok", ADMIN_TOKEN: "bench", IDENTIFY_SECRET: "bench", SERVER_TOKEN: "bench", ...bindings },
  };
}

export async function startRujai(origin, bindings) {
  const mf = new Miniflare(rujaiOptions(origin, bindings));
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { mf, url };
}

/** The visitor cookie (`rujai_id=<id>.<mac>`) and snapshot cookie an answer set. */
export function cookiesOf(res) {
  const all = res.headers.getSetCookie();
  const pick = (name) => all.find((c) => c.startsWith(`${name}=`))?.split(";")[0];
  return { visitor: pick("rujai_id"), snapshot: pick("rujai_seg") };
}

/** Applies migrations/ to a Miniflare D1 database, in order. */
export async function applyMigrations(mf, binding = "AUDIENCE") {
  const db = await mf.getD1Database(binding);
  const sql = readdirSync("migrations").sort().map((f) => readFileSync(`migrations/${f}`, "utf8")).join("\n");
  for (const statement of sql.replace(/--.*$/gm, "").split(";").map((s) => s.trim()).filter(Boolean)) await db.prepare(statement).run();
  return db;
}

/** Three sneaker views just before `now` (ids prefixed `prefix`): enough to make a sneaker fan. */
export function sneakerViews(prefix, now = Date.now()) {
  return ["sn-runner", "sn-court", "sn-trail"].map((id, i) => ({ id: `${prefix}-${i}`, type: "view_item", ts: now - i * 1000, props: { item_id: id, category: "sneakers" } }));
}

/** An event batch as a browser sends it (Node's own user agent is rightly treated as a bot). */
export function sendEvents(url, events, cookie) {
  return fetch(`${url}/rujai/e`, { method: "POST", headers: { "user-agent": BROWSER_UA, ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ sentAt: Date.now(), events }) });
}
