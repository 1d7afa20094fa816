// npm run bench:triggers — ingest cost with 20 triggers configured vs none (Miniflare
// directly; queue, consumer and D1 local; a loopback receiver answers the webhooks).
//   TRIGGER_REQUESTS=400 TRIGGER_ROUNDS=3 npm run bench:triggers
import { readFileSync } from "node:fs";
import { cpuMs, startMeasured } from "./cpu.mjs";
import http from "node:http";
import { applyMigrations, BROWSER_UA, buildRujai, rujaiOptions } from "./rujai-target.mjs";

const REQUESTS = Number(process.env.TRIGGER_REQUESTS ?? 400);
const ROUNDS = Number(process.env.TRIGGER_ROUNDS ?? 3);
const demo = JSON.parse(readFileSync("demo-site/rules.json", "utf8"));

let received = 0;
const receiver = http.createServer((req, res) => req.on("data", () => {}).on("end", () => (received++, res.end("{}"))));
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const hook = `http://127.0.0.1:${receiver.address().port}/hook`;

// 20 triggers of every kind: at once and delayed, on events, on entering and leaving segments.
const kinds = [
  { on: { event: "view_item" }, after: "24h" },
  { on: { event: "add_to_cart" } },
  { on: { event: "add_to_cart" }, after: "2h", unless: { count: { event: "purchase", within: "2h" }, atLeast: 1 }, quietHours: { from: "21:00", to: "09:00" } },
  { on: { enter: "sneaker-fans" }, after: "1h" },
  { on: { exit: "hesitant" } },
];
const triggers = Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, ...kinds[i % kinds.length], to: "crm", holdout: i % 4 === 0 ? 0.1 : undefined, payload: { n: i, item: "{{event.item_id | none}}" } }));
const withTriggers = { ...demo, destinations: { crm: { type: "webhook", url: hook, secret: "CRM_WEBHOOK_SECRET" } }, triggers, messageCap: { perDay: 50 } };

await buildRujai();
async function start(name, rules, consume = true) {
  const target = await startMeasured(name, {
    ...rujaiOptions("http://127.0.0.1:9", { CRM_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
    d1Databases: ["AUDIENCE"],
    queueProducers: { AUDIENCE_QUEUE: "rujai-audience", DELIVERY_QUEUE: "rujai-deliveries" },
    queueConsumers: { "rujai-audience": { maxBatchSize: 100, maxBatchTimeout: 1 }, ...(consume ? { "rujai-deliveries": { maxBatchSize: 20, maxBatchTimeout: 1 } } : {}) },
  });
  const { mf } = target;
  await (await mf.getKVNamespace("RULES")).put("rules", JSON.stringify(rules));
  await applyMigrations(mf);
  return target;
}
// The third target queues its deliveries but sends none: the ingest's own cost, as in
// production, where the consumer runs in another invocation.
const targets = [await start("no triggers", demo), await start("20 triggers", withTriggers), await start("20 triggers, deliveries not sent here", withTriggers, false)];

let serial = 0;
async function run(t) {
  const cookies = [];
  const times = [];
  const cpu0 = cpuMs(t.pid);
  const started = performance.now();
  for (let r = 0; r < REQUESTS; r++) {
    const v = r % 40;
    const type = r % 5 === 1 ? "add_to_cart" : r % 17 === 3 ? "purchase" : "view_item";
    const props = type === "purchase" ? { transaction_id: `b${serial}`, value: 990 } : { item_id: `sn-${r % 5}`, category: "sneakers", price: 2190 };
    const t0 = performance.now();
    const res = await fetch(`${t.url}/rujai/e`, {
      method: "POST",
      headers: { "user-agent": BROWSER_UA, ...(cookies[v] ? { cookie: cookies[v] } : {}) },
      body: JSON.stringify({ sentAt: Date.now(), events: [{ id: `trig-${String(serial++).padStart(8, "0")}`, type, ts: Date.now(), props }] }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${t.name}: ${res.status}`);
    times.push(performance.now() - t0);
    cookies[v] ??= res.headers.getSetCookie().find((c) => c.startsWith("rujai_id="))?.split(";")[0];
    if (r % 40 === 39) cookies.length = 0;
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { eventsPerS: REQUESTS / seconds, p50: times[Math.floor(times.length / 2)], cpu: (cpuMs(t.pid) - cpu0) / REQUESTS };
}
const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < targets.length; i++) runs[targets[(i + round) % targets.length].name].push(await run(targets[(i + round) % targets.length]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = targets.map((t) => ({ name: t.name, eventsPerS: median(runs[t.name].map((r) => r.eventsPerS)), p50: median(runs[t.name].map((r) => r.p50)), cpu: median(runs[t.name].map((r) => r.cpu)) }));
await new Promise((r) => setTimeout(r, 2_000));
console.log(`Ingest with triggers (one event per request, ${REQUESTS} requests × ${ROUNDS} rounds alternated; medians):\n`);
console.log("rules | events/s | p50 ms | CPU ms per event");
console.log("--- | --- | --- | ---");
for (const r of rows) console.log(`${r.name} | ${r.eventsPerS.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.cpu.toFixed(2)}`);
for (const r of rows.slice(1)) console.log(`${r.name} ÷ none | ${(r.eventsPerS / rows[0].eventsPerS).toFixed(2)}× | ${(r.p50 / rows[0].p50).toFixed(2)}× | ${(r.cpu / rows[0].cpu).toFixed(2)}×`);
console.log(`\n(${received} webhooks delivered to the loopback receiver during the run; CPU includes the delivery consumer.)`);
await Promise.all(targets.map((t) => t.mf.dispose()));
receiver.close();
