/**
 * Audience-sync destinations (on the hourly Cron Trigger): for each, when its `every` has
 * passed, the segment's membership changes since its last sync — who entered, who left — in
 * batches of at most 500, each queued as a signed webhook delivery (so it retries and
 * dead-letters like any other). A batch's id names its log range, so a re-sent batch carries
 * the same webhook-id and a receiver that dedupes sees it once.
 */
import type { RulesDocument } from "../rules/schema";
import type { Delivery } from "../core/message";
import { durationMs } from "../core/duration";

export const SYNC_BATCH = 500;
/** Pages one run sends per destination; the rest go on the next run. */
const MAX_PAGES = 20;

interface Change {
  id: number;
  visitor_id: string;
  user_id: string | null;
  entered: number;
  at: number;
}

export async function syncAudiences(db: D1Database, queue: Queue<Delivery>, document: RulesDocument, now: number): Promise<number> {
  let queued = 0;
  for (const [name, d] of Object.entries(document.destinations ?? {})) {
    if (d.type !== "audience-sync") continue;
    const state = await db.prepare("SELECT last_id, last_at FROM sync_state WHERE destination = ?").bind(name).first<{ last_id: number; last_at: number }>();
    if (state && now - state.last_at < durationMs(d.every) - 60_000) continue; // a minute's slack for the cron's timing
    let lastId = state?.last_id ?? 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { results } = await db
        .prepare("SELECT id, visitor_id, user_id, entered, at FROM membership_log WHERE segment = ? AND id > ? ORDER BY id LIMIT ?")
        .bind(d.segment, lastId, SYNC_BATCH)
        .all<Change>();
      if (!results.length) break;
      const person = (c: Change) => ({ visitorId: c.visitor_id, userId: c.user_id, at: new Date(c.at).toISOString() });
      const body = JSON.stringify({
        type: "rujai.audience.sync",
        timestamp: new Date(now).toISOString(),
        data: { segment: d.segment, entered: results.filter((c) => c.entered).map(person), left: results.filter((c) => !c.entered).map(person) },
      });
      const id = `sync:${name}:${results[0]!.id}-${results.at(-1)!.id}`;
      await queue.send({ kind: "deliver", id, trigger: `sync:${name}`, destination: name, type: "webhook", url: d.url, secret: d.secret, body, visitorId: "-", firstAt: now });
      queued++;
      lastId = results.at(-1)!.id;
      if (results.length < SYNC_BATCH) break;
    }
    await db
      .prepare("INSERT INTO sync_state (destination, last_id, last_at) VALUES (?, ?, ?) ON CONFLICT (destination) DO UPDATE SET last_id = excluded.last_id, last_at = excluded.last_at")
      .bind(name, lastId, now)
      .run();
  }
  return queued;
}
