/**
 * The queue consumer's one job: turn a batch of audience messages into one D1 batch (a single
 * transaction). Every statement is conditioned on the message's version, in any order of
 * arrival: a visitor's row and memberships change only when the message is newer than what
 * the index holds, and an erasure leaves a tombstone (erased = 1, no data) that keeps older
 * messages from bringing the visitor back.
 */
import type { AudienceMessage } from "../core/audience-row";

/** True while the index holds exactly this version of the visitor (i.e. this message won). */
const WON = "(SELECT version FROM visitors WHERE visitor_id = ?) = ?";

export function statementsFor(db: D1Database, message: AudienceMessage, now: number): D1PreparedStatement[] {
  const { visitorId, version } = message;
  if ("erased" in message) {
    return [
      db
        .prepare(
          `INSERT INTO visitors (visitor_id, version, erased, updated_at) VALUES (?, ?, 1, ?)
           ON CONFLICT (visitor_id) DO UPDATE SET version = excluded.version, erased = 1, user_id = NULL, intent = NULL,
             intent_factors = NULL, engagement = NULL, rfm = NULL, orders = NULL, value = NULL, top_category = NULL,
             last_seen = NULL, traits = NULL, updated_at = excluded.updated_at
           WHERE excluded.version > visitors.version`,
        )
        .bind(visitorId, version, now),
      logChanges(db, visitorId, version, null, [], now),
      db.prepare(`DELETE FROM memberships WHERE visitor_id = ? AND ${WON}`).bind(visitorId, visitorId, version),
    ];
  }
  const r = message.row;
  return [
    db
      .prepare(
        `INSERT INTO visitors (visitor_id, version, erased, user_id, intent, intent_factors, engagement, rfm, orders, value, top_category, last_seen, traits, updated_at)
         VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (visitor_id) DO UPDATE SET version = excluded.version, erased = 0, user_id = excluded.user_id, intent = excluded.intent,
           intent_factors = excluded.intent_factors, engagement = excluded.engagement, rfm = excluded.rfm, orders = excluded.orders,
           value = excluded.value, top_category = excluded.top_category, last_seen = excluded.last_seen, traits = excluded.traits,
           updated_at = excluded.updated_at
         WHERE excluded.version > visitors.version`,
      )
      .bind(visitorId, version, r.userId, r.intent, JSON.stringify(r.intentFactors), r.engagement, r.rfm, r.orders, r.value, r.topCategory, r.lastSeen ?? 0, JSON.stringify(r.traits), now),
    logChanges(db, visitorId, version, r.userId, r.segments.map((s) => s.name), now),
    logEntries(db, visitorId, version, r.userId, r.segments.map((s) => s.name), now),
    db.prepare(`DELETE FROM memberships WHERE visitor_id = ? AND ${WON}`).bind(visitorId, visitorId, version),
    ...r.segments.map((s) =>
      db.prepare(`INSERT INTO memberships (segment, visitor_id, since) SELECT ?, ?, ? WHERE ${WON}`).bind(s.name, visitorId, s.since, visitorId, version),
    ),
  ];
}

/** Logs the segments the visitor leaves (held now, not in `segments`), if this message won. */
function logChanges(db: D1Database, visitorId: string, version: number, userId: string | null, segments: string[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO membership_log (segment, visitor_id, user_id, entered, at)
       SELECT m.segment, m.visitor_id, ?, 0, ? FROM memberships m
       WHERE m.visitor_id = ? AND ${WON} AND m.segment NOT IN (SELECT value FROM json_each(?))`,
    )
    .bind(userId, now, visitorId, visitorId, version, JSON.stringify(segments));
}

/** Logs the segments the visitor enters (in `segments`, not held now), if this message won. */
function logEntries(db: D1Database, visitorId: string, version: number, userId: string | null, segments: string[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO membership_log (segment, visitor_id, user_id, entered, at)
       SELECT j.value, ?, ?, 1, ? FROM json_each(?) j
       WHERE ${WON} AND j.value NOT IN (SELECT segment FROM memberships WHERE visitor_id = ?)`,
    )
    .bind(visitorId, userId, now, JSON.stringify(segments), visitorId, version, visitorId);
}

/** Writes a queue batch's messages in one transaction. */
export async function writeAudience(db: D1Database, messages: readonly AudienceMessage[], now = Date.now()): Promise<void> {
  const statements = messages.flatMap((m) => statementsFor(db, m, now));
  if (statements.length) await db.batch(statements);
}

/** Today's size of every segment (hourly), and tombstones past any late message dropped. */
export async function recordSizes(db: D1Database, now = Date.now()): Promise<void> {
  const day = new Date(now).toISOString().slice(0, 10);
  await db.batch([
    db.prepare("DELETE FROM segment_sizes WHERE day = ?").bind(day),
    db
      .prepare(
        `INSERT INTO segment_sizes (day, segment, size, identified)
         SELECT ?, m.segment, COUNT(*), COUNT(v.user_id) FROM memberships m JOIN visitors v ON v.visitor_id = m.visitor_id
         WHERE v.erased = 0 GROUP BY m.segment`,
      )
      .bind(day),
    db.prepare("DELETE FROM visitors WHERE erased = 1 AND updated_at < ?").bind(now - TOMBSTONE_MS),
    db.prepare("DELETE FROM membership_log WHERE at < ?").bind(now - TOMBSTONE_MS),
  ]);
}

/** Queue messages are retried for days at most; a tombstone outlives them. */
export const TOMBSTONE_MS = 30 * 86_400_000;
