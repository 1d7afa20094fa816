// npm run bench:contract — what each part of rujai's page contract costs: the contract floor
// (bench/targets/floor-contract.js) with one part left out at a time, against the bare floor,
// all in one run of short alternated turns (bench/rounds.mjs), on 10 KB pages.
//   BENCH_SECONDS=0.5 BENCH_ROUNDS=24 npm run bench:contract
import http from "node:http";
import { BROWSER_UA, COMPAT } from "./rujai-target.mjs";
import { pageOfSize } from "./pages.mjs";
import { cpuMs, startMeasured } from "./cpu.mjs";
import { ratioText, timeRounds } from "./rounds.mjs";

const page = Buffer.from(pageOfSize(10_000));
const origin = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length });
  res.end(page);
});
await new Promise((r) => origin.listen(0, "127.0.0.1", r));
const ORIGIN = `http://127.0.0.1:${origin.address().port}`;

const start = (name, scriptPath, drop) =>
  startMeasured(name, { compatibilityDate: COMPAT, modules: true, scriptPath, bindings: { ORIGIN, ...(drop === undefined ? {} : { DROP: drop }) } });
// A returning visitor's cookies, so the hygiene has rujai's to strip.
const headers = { accept: "text/html", "user-agent": BROWSER_UA, cookie: `rujai_id=${"a".repeat(36)}.${"b".repeat(22)}; rujai_seg=${"c".repeat(480)}.${"d".repeat(43)}; session=s1` };
const contract = "bench/targets/floor-contract.js";
const targets = [
  { ...(await start("floor", "bench/targets/floor.js")), headers },
  { ...(await start("contract floor", contract, "")), headers },
  { ...(await start("without the origin headers' hygiene", contract, "hygiene")), headers },
  { ...(await start("without the deadline", contract, "deadline")), headers },
  { ...(await start("deadline timer, no AbortSignal on the fetch", contract, "signal")), headers },
  { ...(await start("without data-rujai-rule/-variant", contract, "attrs")), headers },
  { ...(await start("without Server-Timing and Cache-Control", contract, "resp")), headers },
];
const rounds = Number(process.env.BENCH_ROUNDS ?? 24);
const { page: results } = await timeRounds(targets, { sizes: ["page"], rounds, seconds: Number(process.env.BENCH_SECONDS ?? 0.5), connections: 10, cpuOf: (t) => cpuMs(t.pid) });
console.log("10 KB page | req/s | CPU ms/req | req/s ÷ floor | CPU ÷ floor\n--- | --- | --- | --- | ---");
for (const [name, r] of Object.entries(results)) console.log(`${name} | ${Math.round(r.rps).toLocaleString("en-US")} | ${r.cpu.toFixed(3)} | ${ratioText(r.rpsRatio, rounds)} | ${ratioText(r.cpuRatio, rounds)}`);
for (const t of targets) await t.mf.dispose();
origin.close();
