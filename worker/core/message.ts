/**
 * What a due trigger sends, per destination (pure): a Standard Webhooks envelope whose
 * `data.payload` is the trigger's payload with placeholders filled as text (JSON.stringify
 * then escapes them for JSON), or a LINE push (`to` from a trait, one text message). The
 * queue message carries everything the consumer needs; secrets travel by name only.
 */
import type { Destination, Trigger } from "../rules/schema";
import { compileTemplate, renderText, type TemplateVars } from "./template";
import type { Occurrence } from "./triggers";

/** One delivery on the queue; `id` (the occurrence's) is the idempotency key on every retry. */
export interface Delivery {
  kind: "deliver";
  id: string;
  trigger: string;
  destination: string;
  type: "webhook" | "line";
  url: string;
  /** The secret's name: the webhook signing secret or the LINE channel token. */
  secret: string;
  body: string;
  visitorId: string;
  /** When the first attempt was queued (retries stop 24 hours after). */
  firstAt: number;
}

/** A decision the Profile object made that sends nothing, for the per-trigger counts. */
export interface Decision {
  kind: "record";
  /** The occurrence decided. */
  id: string;
  trigger: string;
  outcome: "holdout" | "skipped" | "deferred";
  at: number;
}

export type DeliveryMessage = Delivery | Decision;

export const LINE_API = "https://api.line.me";

export function deliveryOf(
  trigger: Trigger,
  destination: Extract<Destination, { type: "webhook" | "line" }>,
  occurrence: Occurrence,
  vars: TemplateVars,
  who: { visitorId: string; userId: string | null },
  now: number,
): Delivery | { skip: string } {
  const all = { ...vars, ...(occurrence.event ? { event: occurrence.event } : {}) };
  const base = { kind: "deliver" as const, id: occurrence.id, trigger: trigger.id, destination: trigger.to, visitorId: who.visitorId, firstAt: now };
  if (destination.type === "line") {
    const to = vars.traits?.[destination.to.slice("trait.".length)];
    if (typeof to !== "string" || !to) return { skip: `no ${destination.to} to send to` };
    const text = renderText(compileTemplate(trigger.message!.text), all);
    const url = `${(destination.baseUrl ?? LINE_API).replace(/\/+$/, "")}/v2/bot/message/push`;
    return { ...base, type: "line", url, secret: destination.token, body: JSON.stringify({ to, messages: [{ type: "text", text: text.slice(0, 5000) }] }) };
  }
  const payload = fill(trigger.payload ?? {}, all);
  const data = { trigger: trigger.id, occurrence: occurrence.id, visitorId: who.visitorId, userId: who.userId, occurredAt: new Date(occurrence.at).toISOString(), payload };
  return { ...base, type: "webhook", url: destination.url, secret: destination.secret, body: JSON.stringify({ type: "rujai.trigger", timestamp: new Date(now).toISOString(), data }) };
}

/** Every string in the payload with its placeholders filled as plain text. */
function fill(value: unknown, vars: TemplateVars): unknown {
  if (typeof value === "string") return renderText(compileTemplate(value), vars);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}
