/**
 * The delivery queue's consumer: sends each delivery (a signed webhook, or a LINE push) with
 * a timeout, records the attempt in D1, and decides what next — delivered; retried later with
 * exponential backoff and jitter; or dead-lettered after 24 hours (or at once, when the
 * receiver refused the message for good). A delivery already delivered is never sent again,
 * whatever the queue redelivers. Each destination is rate-limited (DESTINATION_LIMIT): past it,
 * deliveries wait rather than flood the receiver. Counted decisions ("record" messages) land in trigger_counts.
 */
import type { Delivery, DeliveryMessage } from "../core/message";
import { webhookHeaders } from "./sign";
import type { Settings } from "../settings";

export type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string; retry: boolean };

const DEFAULTS = { base: 30_000, giveUp: 24 * 3_600_000, timeout: 10_000 };
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One attempt at one delivery. */
export async function attempt(d: Delivery, env: Settings, now: number): Promise<Outcome> {
  const secret = (env as unknown as Record<string, unknown>)[d.secret];
  if (typeof secret !== "string" || !secret) return { ok: false, status: null, error: `the secret ${d.secret} is not set`, retry: false };
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (d.type === "webhook") Object.assign(headers, await webhookHeaders(secret, d.id, d.body, Math.floor(now / 1000)));
  else {
    headers.authorization = `Bearer ${secret}`;
    // LINE's own idempotency key: a retried push is not delivered twice.
    headers["x-line-retry-key"] = await retryKey(d.id);
  }
  try {
    const res = await fetch(d.url, { method: "POST", headers, body: d.body, signal: AbortSignal.timeout(Number(env.DELIVERY_TIMEOUT_MS ?? DEFAULTS.timeout)) });
    await res.body?.cancel();
    if (res.ok || (d.type === "line" && res.status === 409)) return { ok: true, status: res.status }; // 409: LINE already accepted this retry key
    const retry = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: false, status: res.status, error: `the receiver answered ${res.status}`, retry };
  } catch (error) {
    return { ok: false, status: null, error: error instanceof Error ? error.message : String(error), retry: true };
  }
}

/** A UUID made from the occurrence id (LINE wants one). */
async function retryKey(id: string): Promise<string> {
  const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)))].slice(0, 16).map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The wait before attempt `n + 1` (n ≥ 1): base × 2^(n−1), capped at an hour, with ±50 % jitter. */
export function backoffMs(attempts: number, base: number, random = Math.random()): number {
  return Math.min(base * 2 ** (attempts - 1), 3_600_000) * (0.5 + random);
}

export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Settings, now = Date.now()): Promise<void> {
  const db = env.AUDIENCE;
  const base = Number(env.DELIVERY_RETRY_BASE_MS ?? DEFAULTS.base);
  const giveUp = Number(env.DELIVERY_GIVE_UP_MS ?? DEFAULTS.giveUp);
  const count = (trigger: string, outcome: string) =>
    db.prepare("INSERT INTO trigger_counts (trigger, day, outcome, n) VALUES (?, ?, ?, 1) ON CONFLICT (trigger, day, outcome) DO UPDATE SET n = n + 1").bind(trigger, day(now), outcome);
  for (const message of batch.messages) {
    const m = message.body;
    if (m.kind === "record") {
      await count(m.trigger, m.outcome).run();
      message.ack();
      continue;
    }
    const known = await db.prepare("SELECT status, attempts FROM deliveries WHERE id = ?").bind(m.id).first<{ status: string; attempts: number }>();
    if (known?.status === "delivered" || known?.status === "dead") {
      message.ack(); // the queue delivered it again: it already ended
      continue;
    }
    if (!known) {
      await db.batch([
        db.prepare("INSERT OR IGNORE INTO deliveries (id, trigger, destination, visitor_id, status, attempts, message, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)")
          .bind(m.id, m.trigger, m.destination, m.visitorId, JSON.stringify(m), now, now),
        count(m.trigger, "sent"),
      ]);
    }
    // Per destination: past its rate the delivery waits (not an attempt; nothing is dropped).
    const room = await env.DESTINATION_LIMIT?.limit({ key: m.destination });
    if (room && !room.success) {
      message.retry({ delaySeconds: 10 });
      continue;
    }
    const attempts = (known?.attempts ?? 0) + 1;
    const outcome = await attempt(m, env, now);
    if (outcome.ok) {
      await db.batch([
        db.prepare("UPDATE deliveries SET status = 'delivered', attempts = ?, last_status = ?, last_error = NULL, updated_at = ? WHERE id = ?").bind(attempts, outcome.status, now, m.id),
        count(m.trigger, "delivered"),
      ]);
      message.ack();
      continue;
    }
    const dead = !outcome.retry || now - m.firstAt >= giveUp;
    await db.batch([
      db.prepare("UPDATE deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?")
        .bind(dead ? "dead" : "failed", attempts, outcome.status, outcome.error.slice(0, 500), now, m.id),
      ...(dead ? [count(m.trigger, "dead")] : []),
    ]);
    if (dead) message.ack();
    else message.retry({ delaySeconds: Math.max(1, Math.ceil(backoffMs(attempts, base) / 1000)) });
  }
}
