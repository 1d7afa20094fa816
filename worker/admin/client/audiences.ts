/**
 * The admin page's Audiences tab: every segment's size with its 30-day trend (uPlot), how
 * segments overlap, the top N most likely to buy (or by another score) with the factors behind
 * each score, and a CSV download of any segment.
 */
import uPlot from "uplot";
import uPlotCss from "uplot/dist/uPlot.min.css";
import { download } from "./download";

type Api = (path: string, init?: RequestInit) => Promise<Response>;
interface Segment {
  name: string;
  label: string | null;
  size: number;
  identified: number;
  trend: Array<{ date: string; size: number }>;
}
interface Audiences {
  visitors: number;
  segments: Segment[];
  overlap: Array<{ a: string; b: string; both: number }>;
}
interface Member {
  visitorId: string;
  userId: string | null;
  scores: { intent: number; engagement: number; rfm: string | null; orders: number; value: number; topCategory: string | null; lastSeen: number | null };
  factors?: Array<{ name: string; effect: number }>;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const $ = (id: string) => document.getElementById(id)!;
const COLORS = ["#e2572b", "#1f7a4d", "#3b5bdb", "#8a5a00", "#9c36b5", "#0b7285", "#c2255c", "#5c940d"];
let chart: uPlot | undefined;

/** uPlot's stylesheet, once per page (the Audiences and Results charts share it). */
export function chartStyles(): void {
  if (document.getElementById("uplot-css")) return;
  const style = document.head.appendChild(document.createElement("style"));
  style.id = "uplot-css";
  style.textContent = uPlotCss;
}

export async function loadAudiences(api: Api): Promise<void> {
  chartStyles();
  const res = await api("/audiences");
  if (!res.ok) {
    $("audience-total").textContent = `The audience index could not be read (${res.status}).`;
    return;
  }
  const data = (await res.json()) as Audiences;
  $("audience-total").textContent = `${data.visitors.toLocaleString()} visitors indexed`;
  drawTrend(data.segments);
  $("audience-sizes").innerHTML = data.segments
    .map(
      (s) => `<tr><td><b>${esc(s.name)}</b><br><span class="change">${esc(s.label ?? "")}</span></td><td data-size="${esc(s.name)}">${s.size.toLocaleString()}</td>
      <td>${s.identified.toLocaleString()}</td><td>${esc(change(s))}</td>
      <td><button data-top="${esc(s.name)}">Top 500</button> <button data-csv="${esc(s.name)}">Download CSV</button></td></tr>`,
    )
    .join("");
  const names = data.segments.map((s) => s.name);
  const both = new Map(data.overlap.map((o) => [`${o.a}\u0000${o.b}`, o.both]));
  const cell = (a: string, b: string) => (a === b ? "—" : (both.get(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`) ?? 0).toLocaleString());
  $("audience-overlap").innerHTML = `<thead><tr><th></th>${names.map((n) => `<th>${esc(n)}</th>`).join("")}</tr></thead><tbody>${names
    .map((a) => `<tr><th>${esc(a)}</th>${names.map((b) => `<td>${cell(a, b)}</td>`).join("")}</tr>`)
    .join("")}</tbody>`;
  const select = $("top-segment") as HTMLSelectElement;
  select.innerHTML = `<option value="">Everyone</option>${names.map((n) => `<option value="${esc(n)}">${esc(n)}</option>`).join("")}`;
  await loadTop(api);
}

/** The change over the trend's span, in people. */
function change(s: Segment): string {
  const first = s.trend[0];
  if (!first || s.trend.length < 2) return "new";
  const delta = s.size - first.size;
  return `${delta >= 0 ? "+" : ""}${delta.toLocaleString()} since ${first.date}`;
}

function drawTrend(segments: Segment[]): void {
  const today = new Date().toISOString().slice(0, 10);
  const days = [...new Set([...segments.flatMap((s) => s.trend.map((t) => t.date)), today])].sort();
  const x = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const series = segments.map((s) => {
    const byDay = new Map(s.trend.map((t) => [t.date, t.size]));
    byDay.set(today, s.size); // today as it is now, not as of the last hourly record
    return days.map((d) => byDay.get(d) ?? null);
  });
  const el = $("audience-chart");
  chart?.destroy();
  chart = new uPlot(
    {
      width: Math.max(320, el.clientWidth || 900),
      height: 260,
      series: [{}, ...segments.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: true } }))],
      axes: [{}, { label: "visitors" }],
      scales: { x: { time: true } },
    },
    [x, ...series],
    el,
  );
}

export async function loadTop(api: Api): Promise<void> {
  const segment = ($("top-segment") as HTMLSelectElement).value;
  const by = ($("top-by") as HTMLSelectElement).value;
  const res = await api(`/audiences/top?by=${by}&n=500${segment ? `&segment=${encodeURIComponent(segment)}` : ""}`);
  const { members } = (await res.json()) as { members: Member[] };
  $("top-count").textContent = `${members.length} ${members.length === 1 ? "visitor" : "visitors"}`;
  $("audience-top").innerHTML = members
    .map(
      (m, i) => `<tr><td>${i + 1}</td><td>${esc(m.userId ?? "anonymous")}<br><code>${esc(m.visitorId.slice(0, 14))}…</code></td>
      <td data-intent>${Math.round(m.scores.intent * 100)}%</td><td>${esc(
        (m.factors ?? [])
          .filter((f) => f.effect !== 0)
          .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
          .slice(0, 3)
          .map((f) => `${f.effect > 0 ? "+" : "−"} ${f.name}`)
          .join(" · "),
      )}</td><td>${m.scores.engagement}</td><td>${esc(m.scores.rfm ?? "—")}</td><td>${m.scores.orders} · ฿${m.scores.value.toLocaleString()}</td>
      <td>${m.scores.lastSeen ? new Date(m.scores.lastSeen).toISOString().slice(0, 10) : "—"}</td></tr>`,
    )
    .join("");
}

export const downloadCsv = (api: Api, segment: string) => download(api, `/audiences/${encodeURIComponent(segment)}/export.csv`, `${segment}.csv`);
