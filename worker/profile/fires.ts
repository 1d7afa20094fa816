/**
 * The Profile object's pending trigger fires, in its SQLite: planned occurrences are stored
 * once by id (so nothing is ever enqueued twice), due ones are decided by core/triggers.ts
 * and turned into deliveries by core/message.ts. This module only reads and writes rows.
 */
import type { CompiledRules } from "../core/segments";
import { decideFire, occurrencesOf, type Transition } from "../core/triggers";
import { deliveryOf, type DeliveryMessage } from "../core/message";
import type { StoredEvent } from "../core/profile";
import type { TemplateVars } from "../core/template";
import type { JsonValue } from "../../sdk/src/wire";

const DAY_MS = 86_400_000;

export function createFireTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS fires (id TEXT PRIMARY KEY, trigger TEXT NOT NULL, at INTEGER NOT NULL, due INTEGER NOT NULL,
    event TEXT, state TEXT NOT NULL, decided INTEGER, reason TEXT);
    CREATE INDEX IF NOT EXISTS fires_due ON fires (state, due);`);
}

/** Stores the occurrences these events and segment changes start (an id seen before is ignored); true when any was new. */
export function planFires(sql: SqlStorage, rules: CompiledRules, added: readonly StoredEvent[], transitions: readonly Transition[], now: number): boolean {
  const triggers = rules.document.triggers ?? [];
  if (!triggers.length || (!added.length && !transitions.length)) return false;
  let planned = false;
  for (const o of occurrencesOf(triggers, added, transitions, now)) {
    sql.exec("INSERT OR IGNORE INTO fires (id, trigger, at, due, event, state) VALUES (?, ?, ?, ?, ?, 'pending')", o.id, o.trigger, o.at, o.due, o.event ? JSON.stringify(o.event) : null);
    planned = true;
  }
  return planned;
}

export interface FireContext {
  rules: CompiledRules;
  now: number;
  timezone: string;
  visitorId: string;
  userId: string | null;
  vars: TemplateVars;
  holds: (segment: string) => boolean;
  /** Whether a trigger's `unless` holds now. */
  unlessHolds: (triggerId: string) => boolean;
}

/** Decides every due fire; returns the queue messages (deliveries and counted decisions). */
export function dueFires(sql: SqlStorage, ctx: FireContext): DeliveryMessage[] {
  const triggers = new Map((ctx.rules.document.triggers ?? []).map((t) => [t.id, t]));
  // A deleted trigger cancels its pending fires.
  for (const { trigger } of sql.exec<{ trigger: string }>("SELECT DISTINCT trigger FROM fires WHERE state = 'pending'").toArray()) {
    if (!triggers.has(trigger)) sql.exec("UPDATE fires SET state = 'cancelled', decided = ?, reason = 'the trigger was deleted' WHERE state = 'pending' AND trigger = ?", ctx.now, trigger);
  }
  const due = sql.exec<{ id: string; trigger: string; at: number; due: number; event: string | null }>("SELECT id, trigger, at, due, event FROM fires WHERE state = 'pending' AND due <= ? ORDER BY due", ctx.now).toArray();
  if (!due.length) return [];
  let sentLastDay = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM fires WHERE state = 'sent' AND decided > ?", ctx.now - DAY_MS).one().n;
  const out: DeliveryMessage[] = [];
  const decide = (id: string, state: string, reason: string | null) => sql.exec("UPDATE fires SET state = ?, decided = ?, reason = ? WHERE id = ?", state, ctx.now, reason, id);
  for (const row of due) {
    const trigger = triggers.get(row.trigger);
    const decision = decideFire({
      trigger, now: ctx.now, timezone: ctx.timezone, visitorId: ctx.visitorId, holds: ctx.holds,
      unlessHolds: trigger?.unless ? ctx.unlessHolds(trigger.id) : false, sentLastDay, cap: ctx.rules.document.messageCap?.perDay,
    });
    if (decision.kind === "defer") {
      sql.exec("UPDATE fires SET due = ?, reason = ? WHERE id = ?", decision.until, decision.reason, row.id);
      out.push({ kind: "record", id: row.id, trigger: row.trigger, outcome: "deferred", at: ctx.now });
    } else if (decision.kind === "holdout") {
      decide(row.id, "holdout", null);
      out.push({ kind: "record", id: row.id, trigger: row.trigger, outcome: "holdout", at: ctx.now });
    } else if (decision.kind === "skip") {
      decide(row.id, "skipped", decision.reason);
      out.push({ kind: "record", id: row.id, trigger: row.trigger, outcome: "skipped", at: ctx.now });
    } else {
      const destination = ctx.rules.document.destinations?.[trigger!.to];
      const occurrence = { id: row.id, trigger: row.trigger, at: row.at, due: row.due, ...(row.event ? { event: JSON.parse(row.event) as Record<string, JsonValue> } : {}) };
      const delivery = destination && destination.type !== "audience-sync" ? deliveryOf(trigger!, destination, occurrence, ctx.vars, { visitorId: ctx.visitorId, userId: ctx.userId }, ctx.now) : { skip: "no such destination" };
      if ("skip" in delivery) {
        decide(row.id, "skipped", delivery.skip);
        out.push({ kind: "record", id: row.id, trigger: row.trigger, outcome: "skipped", at: ctx.now });
      } else {
        decide(row.id, "sent", null);
        sentLastDay++;
        out.push(delivery);
      }
    }
  }
  return out;
}

/** The earliest pending fire, for the alarm; Infinity when none waits. */
export function nextFireDue(sql: SqlStorage): number {
  return sql.exec<{ due: number | null }>("SELECT MIN(due) AS due FROM fires WHERE state = 'pending'").one().due ?? Number.POSITIVE_INFINITY;
}

/** What the visitor's fires came to (for /rujai/me and preview). */
export function firesOf(sql: SqlStorage): Array<{ id: string; trigger: string; due: number; state: string; reason: string | null }> {
  return sql.exec<{ id: string; trigger: string; due: number; state: string; reason: string | null }>("SELECT id, trigger, due, state, reason FROM fires ORDER BY due DESC LIMIT 100").toArray();
}
