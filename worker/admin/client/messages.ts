/**
 * The admin page's Messages tab: each trigger's counts (sent, delivered, held out, deferred,
 * skipped, dead), the delivery log with a retry for what failed, and a test message per
 * destination.
 */
type Api = (path: string, init?: RequestInit) => Promise<Response>;
interface Delivery {
  id: string;
  trigger: string;
  destination: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: number;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const $ = (id: string) => document.getElementById(id)!;
const OUTCOMES = ["sent", "delivered", "holdout", "deferred", "skipped", "dead"];

export async function loadMessages(api: Api): Promise<void> {
  const status = ($("delivery-status") as HTMLSelectElement).value;
  const [deliveriesRes, rulesRes] = await Promise.all([api(`/deliveries${status ? `?status=${status}` : ""}`), api("/rules")]);
  const { deliveries, triggers, results } = (await deliveriesRes.json()) as {
    deliveries: Delivery[];
    triggers: Record<string, Record<string, number>>;
    results: Record<string, { variants: Array<{ variant: string; visitors: number; converters: number }>; comparisons: Array<{ conversion: { verdict: string; difference: number; differenceInterval: [number, number] } | null }> }>;
  };
  const rate = (id: string, variant: string) => {
    const arm = results[id]?.variants.find((v) => v.variant === variant);
    return arm?.visitors ? `${((100 * arm.converters) / arm.visitors).toFixed(1)}% of ${arm.visitors}` : "—";
  };
  // The same method as slot rules (Newcombe's interval for the difference in rates).
  const uplift = (id: string) => {
    const c = results[id]?.comparisons[0]?.conversion;
    const points = (d: number) => `${d >= 0 ? "+" : ""}${(d * 100).toFixed(1)}`;
    return c ? `${c.verdict}: ${points(c.difference)} points (95% ${points(c.differenceInterval[0])} to ${points(c.differenceInterval[1])})` : "not enough data";
  };
  const { document: doc } = (await rulesRes.json()) as { document: { triggers?: Array<{ id: string; to: string }>; destinations?: Record<string, { type: string }> } | null };
  const ids = [...new Set([...(doc?.triggers ?? []).map((t) => t.id), ...Object.keys(triggers)])];
  $("trigger-counts").innerHTML = ids
    .map((id) => `<tr data-trigger="${esc(id)}"><td><b>${esc(id)}</b></td>${OUTCOMES.map((o) => `<td data-outcome="${o}">${triggers[id]?.[o] ?? 0}</td>`).join("")}
      <td>${esc(rate(id, "sent"))}</td><td>${esc(rate(id, "holdout"))}</td><td>${esc(uplift(id))}</td></tr>`)
    .join("");
  $("deliveries").innerHTML = deliveries
    .map(
      (d) => `<tr><td><code>${esc(d.id)}</code></td><td>${esc(d.trigger)} → ${esc(d.destination)}</td><td class="${d.status === "delivered" ? "sig" : d.status === "dead" ? "nosig" : ""}">${esc(d.status)}</td>
      <td>${d.attempts}</td><td>${esc(d.lastStatus ?? "")} ${esc(d.lastError ?? "")}</td><td>${new Date(d.updatedAt).toLocaleString()}</td>
      <td>${d.status === "failed" || d.status === "dead" ? `<button data-retry="${esc(d.id)}">Retry</button>` : ""}</td></tr>`,
    )
    .join("");
  $("destinations").innerHTML = Object.entries(doc?.destinations ?? {})
    .filter(([, d]) => d.type !== "audience-sync")
    .map(([name, d]) => `<li><b>${esc(name)}</b> (${esc(d.type)}) ${d.type === "line" ? `<input data-test-to="${esc(name)}" placeholder="LINE user id" style="width:14em">` : ""} <button data-test="${esc(name)}">Send test</button></li>`)
    .join("");
}

export async function retryDelivery(api: Api, id: string): Promise<void> {
  await api(`/deliveries/${encodeURIComponent(id)}/retry`, { method: "POST" });
  await loadMessages(api);
}

export async function sendTest(api: Api, destination: string): Promise<string> {
  const to = (document.querySelector(`[data-test-to="${CSS.escape(destination)}"]`) as HTMLInputElement | null)?.value;
  const res = await api(`/destinations/${encodeURIComponent(destination)}/test${to ? `?to=${encodeURIComponent(to)}` : ""}`, { method: "POST" });
  const body = (await res.json()) as { queued?: string; error?: string };
  return body.queued ? `Test message queued (${body.queued})` : `Not sent: ${body.error}`;
}
