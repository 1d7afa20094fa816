/**
 * The model card in the Audiences tab: which intent model scores (the priors, or the shop's
 * fitted one), how it ranks held-out customers (AUC, the top 5 % against the base rate), how
 * well its probabilities hold (predicted vs observed per decile, uPlot), when and on how much
 * it was trained, its weights — and a button to fit now.
 */
import uPlot from "uplot";

type Api = (path: string, init?: RequestInit) => Promise<Response>;
interface Card {
  trainedAt: number;
  rows: number;
  customers: number;
  positives: number;
  heldOut: { rows: number; customers: number; auc: number | null; precisionTop5: number | null; baseRate: number; calibration: Array<{ decile: number; predicted: number; observed: number; rows: number }> };
  method: string;
}
interface Intent {
  model: { kind: "prior" | "fitted"; card: Card | null; coefficients: Array<{ name: string; weight: number }> };
  lastFit: { fitted: boolean; at: number; profiles: number; rows: number; positives: number; reason?: string } | null;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const $ = (id: string) => document.getElementById(id)!;
const pct = (x: number | null | undefined) => (x == null ? "—" : `${(100 * x).toFixed(1)}%`);
let chart: uPlot | undefined;

export async function loadIntent(api: Api): Promise<void> {
  const body = (await (await api("/intent")).json()) as Intent;
  const { model, lastFit } = body;
  const card = model.card;
  $("intent-kind").textContent = model.kind === "fitted" ? "fitted on this shop's customers" : "the documented priors (not fitted yet)";
  $("intent-summary").innerHTML = card
    ? `<p data-auc="${card.heldOut.auc ?? ""}">On ${card.heldOut.customers.toLocaleString()} customers kept out of the fit: <b>AUC ${card.heldOut.auc?.toFixed(3) ?? "—"}</b>;
       the top 5 % by score bought at <b>${pct(card.heldOut.precisionTop5)}</b> against a base rate of ${pct(card.heldOut.baseRate)}
       (${card.heldOut.baseRate ? `${((card.heldOut.precisionTop5 ?? 0) / card.heldOut.baseRate).toFixed(1)}×` : "—"}).<br>
       Trained ${new Date(card.trainedAt).toLocaleString()} on ${card.rows.toLocaleString()} rows from ${card.customers.toLocaleString()} customers (${card.positives.toLocaleString()} bought in the 14 days after). <span class="change">${esc(card.method)}</span></p>`
    : `<p class="change">${lastFit?.reason ? esc(lastFit.reason) : "No fit has run yet: the daily job fits once the shop has enough history."}</p>`;
  $("intent-coefficients").innerHTML = model.coefficients
    .filter((c) => c.weight !== 0)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .map((c) => `<tr><td>${esc(c.name)}</td><td>${c.weight >= 0 ? "+" : ""}${c.weight.toFixed(2)}</td></tr>`)
    .join("");
  drawCalibration(card);
}

function drawCalibration(card: Card | null): void {
  const el = $("intent-calibration");
  chart?.destroy();
  chart = undefined;
  const bins = card?.heldOut.calibration ?? [];
  el.dataset.deciles = String(bins.length);
  if (!bins.length) return;
  chart = new uPlot(
    {
      width: Math.max(320, Math.min(640, el.clientWidth || 640)),
      height: 220,
      scales: { x: { time: false } },
      axes: [{ label: "decile of predicted probability" }, { label: "%" }],
      series: [{ label: "decile" }, { label: "predicted", stroke: "#3b5bdb", width: 2 }, { label: "observed", stroke: "#e2572b", width: 2, points: { show: true } }],
    },
    [bins.map((b) => b.decile), bins.map((b) => 100 * b.predicted), bins.map((b) => 100 * b.observed)],
    el,
  );
}

export async function fitNow(api: Api): Promise<void> {
  $("intent-status").textContent = "Fitting…";
  const report = (await (await api("/intent/fit", { method: "POST" })).json()) as { fitted: boolean; reason?: string; rows: number; profiles: number };
  $("intent-status").textContent = report.fitted ? `Fitted on ${report.rows.toLocaleString()} rows from ${report.profiles.toLocaleString()} profiles.` : `Not fitted: ${report.reason}`;
  await loadIntent(api);
}
