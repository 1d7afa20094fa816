// npm run bench:intent — purchase intent on real repeat purchases (CDNOW, bench/data): the
// BG/NBD checks against the paper, then AUC and precision in the top 5 % at nine cutoffs for
// rujai's priors, rujai's fitted model (earlier instants only), recency, RFM and BG/NBD.
import { build } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";

mkdirSync("bench/.build", { recursive: true });
await build({ entryPoints: ["bench/intent-eval.ts"], bundle: true, format: "esm", platform: "neutral", outfile: "bench/.build/intent-eval.mjs", logLevel: "error" });
const { calibrationSummary, evaluate, parseCdnow } = await import("./.build/intent-eval.mjs");

const customers = parseCdnow(readFileSync("bench/data/CDNOW_sample.txt", "utf8"));
const s = calibrationSummary(customers);
console.log("BG/NBD, calibration weeks 1–39, the paper's parameters (r 0.243, α 4.414, a 0.793, b 2.426):");
console.log(`  customers ${s.customers} (paper 2,357); without a repeat purchase ${s.zeroRepeat} (paper 1,411), who made ${s.zeroRepeatLaterPurchases} purchases in weeks 40–78 (paper 334)`);
console.log(`  log-likelihood ${s.logLikelihood.toFixed(1)} (paper −9,582.4)\n`);

const started = performance.now();
const { evaluations, models } = evaluate(customers);
const fmt = (x) => x.toFixed(3);
console.log(`Who buys within 14 days, nine cutoffs from 1997-09-30 four weeks apart (means; ${((performance.now() - started) / 1000).toFixed(1)} s):\n`);
console.log("scorer | ROC AUC | precision in top 5 % | AUC per cutoff | top 5 % per cutoff");
console.log("--- | --- | --- | --- | ---");
for (const e of evaluations) console.log(`${e.scorer} | ${fmt(e.auc)} | ${(100 * e.precisionTop5).toFixed(1)} % | ${e.perCutoff.map((r) => r.auc.toFixed(2)).join(" ")} | ${e.perCutoff.map((r) => (100 * r.precisionTop5).toFixed(0)).join(" ")}`);
const base = evaluations[0].perCutoff.reduce((a, r) => a + r.baseRate, 0) / evaluations[0].perCutoff.length;
console.log(`\nBase rate (buyers in the 14 days): ${(100 * base).toFixed(1)} %`);
const last = models.at(-1);
console.log(`Last fitted model: ${last.kind}, ${last.card?.rows ?? 0} rows, held-out AUC ${last.card?.heldOut.auc?.toFixed(3) ?? "—"}`);
console.log(last.features.map((f, i) => `  ${f}: ${last.weights[i].toFixed(3)}`).join("\n"));
