/**
 * The admin page's Results tab: per slot rule, each arm's exposed and converting visitors,
 * rate and revenue per visitor, each variant against the holdout with 95 % intervals (the
 * methods named beside them), the cumulative rate per arm over the days with its band
 * (uPlot), a CSV of the daily counters — and the shadow panel: what a draft would do on live
 * traffic before it is published.
 */
import uPlot from "uplot";
import { chartStyles } from "./audiences";
import { download } from "./download";

type Api = (path: string, init?: RequestInit) => Promise<Response>;
interface Arm {
  variant: string;
  visitors: number;
  converters: number;
  conversions: number;
  impressions: number;
  clicks: number;
  revenue: number;
  rate: number | null;
  revenuePerVisitor: number | null;
}
interface Interval {
  difference: number;
  differenceInterval: [number, number];
  relative: number | null;
  relativeInterval: [number, number] | null;
}
interface Comparison {
  variant: string;
  conversion: (Interval & { verdict: string; needed: number | null }) | null;
  revenue: Interval | null;
}
interface RuleResults {
  rule: string;
  goal: { event: string; within?: string };
  variants: Arm[];
  comparisons: Comparison[];
  series: Array<{ day: string; arms: Record<string, { rate: number | null; low: number | null; high: number | null }> }>;
}
interface Stats {
  days: number;
  minEffect: number;
  methods: { conversion: string; revenue: string; peeking: string };
  slots: Array<{ slot: string; rules: RuleResults[] }>;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const $ = (id: string) => document.getElementById(id)!;
const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
const points = (d: number) => `${d >= 0 ? "+" : ""}${(d * 100).toFixed(1)}`;
const signed = (d: number) => `${d >= 0 ? "+" : ""}${d.toLocaleString(undefined, { maximumFractionDigits: 2 })}`;
const COLORS: Record<string, string> = { holdout: "#6b7280" };
const PALETTE = ["#e2572b", "#3b5bdb", "#1f7a4d", "#9c36b5"];
let stats: Stats | undefined;
let chart: uPlot | undefined;

export async function loadResults(api: Api): Promise<void> {
  chartStyles();
  stats = (await (await api("/stats?days=30")).json()) as Stats;
  $("results-methods").innerHTML = `<b>Conversion:</b> ${esc(stats.methods.conversion)}.<br><b>Revenue:</b> ${esc(stats.methods.revenue)}.<br><b>Peeking:</b> ${esc(stats.methods.peeking)}.`;
  const rules = stats.slots.flatMap((s) => s.rules.map((r) => ({ slot: s.slot, r })));
  $("stats").innerHTML = rules.flatMap(({ slot, r }) => rowsOf(slot, r, stats!.minEffect)).join("") || `<tr><td colspan="8">No rules yet.</td></tr>`;
  const select = $("chart-rule") as HTMLSelectElement;
  const chosen = select.value;
  select.innerHTML = rules.map(({ slot, r }) => `<option value="${esc(r.rule)}">${esc(slot)} · ${esc(r.rule)}</option>`).join("");
  if (chosen && rules.some(({ r }) => r.rule === chosen)) select.value = chosen;
  drawChart();
}

function rowsOf(slot: string, r: RuleResults, minEffect: number): string[] {
  const arms: Arm[] = r.variants.length ? r.variants : [{ variant: "—", visitors: 0, converters: 0, conversions: 0, impressions: 0, clicks: 0, revenue: 0, rate: null, revenuePerVisitor: null }];
  const goal = `${r.goal.event} within ${r.goal.within ?? "7d"}`;
  return arms.map((v) => {
    const c = r.comparisons.find((x) => x.variant === v.variant);
    return `<tr data-rule="${esc(r.rule)}" data-variant="${esc(v.variant)}"><td>${esc(slot)} · <code>${esc(r.rule)}</code><br><span class="change">goal: ${esc(goal)}</span></td><td>${esc(v.variant)}</td>
      <td data-visitors>${v.visitors.toLocaleString()}</td><td data-converters>${v.converters.toLocaleString()} (${pct(v.rate)})</td>
      <td>${v.revenuePerVisitor === null ? "—" : v.revenuePerVisitor.toLocaleString(undefined, { maximumFractionDigits: 2 })}</td>
      <td>${v.impressions.toLocaleString()}</td><td>${v.clicks.toLocaleString()}</td><td>${c ? against(c, minEffect) : v.variant === "holdout" ? "(the baseline)" : "—"}</td></tr>`;
  });
}

function against(c: Comparison, minEffect: number): string {
  const conv = c.conversion;
  if (!conv) return "—";
  const relative = conv.relative === null || !conv.relativeInterval ? "" : `<br>relative ${points(conv.relative)}% (${points(conv.relativeInterval[0])}% to ${points(conv.relativeInterval[1])}%)`;
  const revenue = c.revenue
    ? `<br>revenue per visitor ${signed(c.revenue.difference)} (${signed(c.revenue.differenceInterval[0])} to ${signed(c.revenue.differenceInterval[1])})`
    : "";
  const needed = conv.needed ? `<br><span class="change">${conv.needed.toLocaleString()} visitors per arm detect a ${Math.round(minEffect * 100)}% change</span>` : "";
  return `<span class="${conv.verdict === "better than the holdout" ? "sig" : "nosig"}" data-verdict>${esc(conv.verdict)}</span><br>${points(conv.difference)} points (95% ${points(conv.differenceInterval[0])} to ${points(conv.differenceInterval[1])})${relative}${revenue}${needed}`;
}

/** The chosen rule's cumulative rate per arm, each with its 95 % band. */
function drawChart(): void {
  const rule = stats?.slots.flatMap((s) => s.rules).find((r) => r.rule === ($("chart-rule") as HTMLSelectElement).value);
  const el = $("results-chart");
  chart?.destroy();
  chart = undefined;
  if (!rule) return;
  const armNames = rule.variants.map((v) => v.variant);
  const x = rule.series.map((p) => Date.parse(`${p.day}T00:00:00Z`) / 1000);
  const data: Array<Array<number | null>> = [x];
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  armNames.forEach((arm, i) => {
    const color = COLORS[arm] ?? PALETTE[i % PALETTE.length]!;
    const at = (k: "rate" | "low" | "high") => rule.series.map((p) => (p.arms[arm]?.[k] ?? null) as number | null).map((v) => (v === null ? null : v * 100));
    data.push(at("rate"), at("high"), at("low"));
    const base = series.length;
    series.push({ label: arm, stroke: color, width: 2, spanGaps: true }, { label: `${arm} 95% high`, stroke: "transparent", points: { show: false } }, { label: `${arm} 95% low`, stroke: "transparent", points: { show: false } });
    bands.push({ series: [base + 1, base + 2], fill: `${color}22` });
  });
  chart = new uPlot(
    { width: Math.max(320, el.clientWidth || 900), height: 260, series, bands, axes: [{}, { label: "converting visitors, %" }], scales: { x: { time: true } } },
    data as uPlot.AlignedData,
    el,
  );
  el.dataset.rule = rule.rule;
  el.dataset.points = String(x.length);
}

export function bindResults(api: Api, draft: () => string): void {
  $("chart-rule").addEventListener("change", drawChart);
  $("results-csv").addEventListener("click", () => void download(api, "/stats/export.csv?days=30", "rujai-results.csv"));
  $("shadow-start").addEventListener("click", async () => {
    const res = await api("/shadow", { method: "PUT", body: draft() });
    const body = (await res.json()) as { error?: string; errors?: Array<{ path: string; message: string }> };
    $("shadow-status").textContent = res.ok ? "The editor's draft now runs in shadow: pages are unchanged." : `Not started: ${body.error} ${(body.errors ?? []).map((e) => `${e.path} ${e.message}`).join("; ")}`;
    await loadShadow(api);
  });
  $("shadow-stop").addEventListener("click", async () => {
    await api("/shadow", { method: "DELETE" });
    await loadShadow(api);
  });
  $("shadow-refresh").addEventListener("click", () => void loadShadow(api));
}

interface Shadow {
  active: boolean;
  version?: string;
  started?: number;
  segments?: Array<{ segment: string; visitors: number; pages: number }>;
  wins?: Array<{ slot: string; rule: string; variant: string; visitors: number; impressions: number }>;
  takes?: Array<{ slot: string; from: string; to: string; visitors: number; impressions: number }>;
}

export async function loadShadow(api: Api): Promise<void> {
  const s = (await (await api("/shadow")).json()) as Shadow;
  ($("shadow-stop") as HTMLButtonElement).disabled = !s.active;
  if (!s.active) {
    $("shadow-report").innerHTML = `<p class="change">No draft in shadow. Write one in the Rules editor, then start it here: it is evaluated on every known visitor's page, and shown nowhere.</p>`;
    return;
  }
  const table = (head: string[], rows: string[]) => `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.join("") || `<tr><td colspan="${head.length}">Nothing yet.</td></tr>`}</tbody></table>`;
  $("shadow-report").innerHTML =
    `<p class="change">Draft <code>${esc(s.version)}</code> in shadow since ${new Date(s.started ?? 0).toLocaleString()}.</p>` +
    `<h4>Segments it would hold</h4>${table(["Segment", "Visitors", "Pages"], (s.segments ?? []).map((r) => `<tr data-shadow-segment="${esc(r.segment)}"><td>${esc(r.segment)}</td><td data-visitors>${r.visitors}</td><td>${r.pages}</td></tr>`))}` +
    `<h4>What each slot would show</h4>${table(["Slot · rule", "Variant", "Visitors", "Impressions"], (s.wins ?? []).map((r) => `<tr data-shadow-win="${esc(r.rule)}"><td>${esc(r.slot)} · <code>${esc(r.rule)}</code></td><td>${esc(r.variant)}</td><td>${r.visitors}</td><td data-impressions>${r.impressions}</td></tr>`))}` +
    `<h4>Slots it would take from the live rules</h4>${table(["Slot", "Live now", "Draft", "Visitors", "Pages"], (s.takes ?? []).map((r) => `<tr><td>${esc(r.slot)}</td><td>${esc(r.from)}</td><td>${esc(r.to)}</td><td>${r.visitors}</td><td>${r.impressions}</td></tr>`))}`;
}
