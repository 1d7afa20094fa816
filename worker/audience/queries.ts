/**
 * Reading the audience index (D1): segment sizes with their trend and overlaps, members of a
 * segment ordered by a score with keyset paging, the top N, and the rows of a CSV export.
 * Only allowed traits are ever stored, so whatever these return may leave the system.
 */
import type { Factor } from "../core/scores";

export const ORDERS = { intent: "intent", engagement: "engagement", value: "value", recency: "last_seen" } as const;
export type Order = keyof typeof ORDERS;

export interface Member {
  visitorId: string;
  userId: string | null;
  /** When the visitor entered the segment (members of a segment only). */
  since?: number;
  scores: { intent: number; engagement: number; rfm: string | null; orders: number; value: number; topCategory: string | null; lastSeen: number | null };
  traits: Record<string, unknown>;
  /** What drives the intent score (top N only). */
  factors?: Factor[];
}

interface MemberRow {
  visitor_id: string;
  user_id: string | null;
  since?: number;
  intent: number;
  engagement: number;
  rfm: string | null;
  orders: number;
  value: number;
  top_category: string | null;
  last_seen: number;
  traits: string | null;
  intent_factors?: string | null;
}

const COLUMNS = "v.visitor_id, v.user_id, v.intent, v.engagement, v.rfm, v.orders, v.value, v.top_category, v.last_seen, v.traits";

function member(r: MemberRow, withFactors = false): Member {
  const m: Member = {
    visitorId: r.visitor_id,
    userId: r.user_id,
    scores: { intent: r.intent, engagement: r.engagement, rfm: r.rfm, orders: r.orders, value: r.value, topCategory: r.top_category, lastSeen: r.last_seen || null },
    traits: r.traits ? (JSON.parse(r.traits) as Record<string, unknown>) : {},
  };
  if (r.since !== undefined) m.since = r.since;
  if (withFactors) m.factors = r.intent_factors ? (JSON.parse(r.intent_factors) as Factor[]) : [];
  return m;
}

/** A page position: the last row's order value and visitor id, opaque to callers. */
export function encodeCursor(value: number, visitorId: string): string {
  return btoa(JSON.stringify([value, visitorId])).replace(/=+$/, "");
}
export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    return Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string" ? [value[0], value[1]] : null;
  } catch {
    return null;
  }
}

export interface SegmentSize {
  segment: string;
  size: number;
  identified: number;
}

export async function liveSizes(db: D1Database): Promise<SegmentSize[]> {
  const { results } = await db
    .prepare(
      `SELECT m.segment AS segment, COUNT(*) AS size, COUNT(v.user_id) AS identified
       FROM memberships m JOIN visitors v ON v.visitor_id = m.visitor_id WHERE v.erased = 0 GROUP BY m.segment`,
    )
    .all<SegmentSize>();
  return results;
}

export async function trends(db: D1Database, fromDay: string): Promise<Array<{ segment: string; day: string; size: number }>> {
  const { results } = await db.prepare("SELECT segment, day, size FROM segment_sizes WHERE day >= ? ORDER BY day").bind(fromDay).all<{ segment: string; day: string; size: number }>();
  return results;
}

/** Visitors in both of each pair of segments. */
export async function overlaps(db: D1Database): Promise<Array<{ a: string; b: string; both: number }>> {
  const { results } = await db
    .prepare(
      `SELECT x.segment AS a, y.segment AS b, COUNT(*) AS both FROM memberships x
       JOIN memberships y ON y.visitor_id = x.visitor_id AND x.segment < y.segment GROUP BY x.segment, y.segment`,
    )
    .all<{ a: string; b: string; both: number }>();
  return results;
}

export async function visitorCount(db: D1Database): Promise<number> {
  return (await db.prepare("SELECT COUNT(*) AS n FROM visitors WHERE erased = 0").first<{ n: number }>())?.n ?? 0;
}

/**
 * Visitors ordered by a score (highest first, ties by id), optionally only a segment's
 * members, after `cursor`; `limit` of them and the cursor of the next page.
 */
export async function rankedMembers(
  db: D1Database,
  { segment, order, limit, cursor, factors = false }: { segment?: string; order: Order; limit: number; cursor?: [number, string] | null; factors?: boolean },
): Promise<{ members: Member[]; next: string | null }> {
  const column = `v.${ORDERS[order]}`;
  const where = ["v.erased = 0"];
  const binds: unknown[] = [];
  if (segment !== undefined) {
    where.push("m.segment = ?");
    binds.push(segment);
  }
  if (cursor) {
    where.push(`(${column} < ? OR (${column} = ? AND v.visitor_id > ?))`);
    binds.push(cursor[0], cursor[0], cursor[1]);
  }
  const from = segment !== undefined ? "memberships m JOIN visitors v ON v.visitor_id = m.visitor_id" : "visitors v";
  const sql = `SELECT ${COLUMNS}${segment !== undefined ? ", m.since" : ""}${factors ? ", v.intent_factors" : ""} FROM ${from}
    WHERE ${where.join(" AND ")} ORDER BY ${column} DESC, v.visitor_id LIMIT ?`;
  const { results } = await db.prepare(sql).bind(...binds, limit + 1).all<MemberRow>();
  const page = results.slice(0, limit);
  const last = page.at(-1);
  const orderValue = (r: MemberRow) => (order === "recency" ? r.last_seen : r[ORDERS[order] as "intent" | "engagement" | "value"]);
  return { members: page.map((r) => member(r, factors)), next: results.length > limit && last ? encodeCursor(orderValue(last), last.visitor_id) : null };
}

/** A segment's members by visitor id, `after` the given id: the pages of a CSV export. */
export async function membersAfter(db: D1Database, segment: string, after: string, limit: number): Promise<Member[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS}, m.since FROM memberships m JOIN visitors v ON v.visitor_id = m.visitor_id
       WHERE m.segment = ? AND v.erased = 0 AND v.visitor_id > ? ORDER BY v.visitor_id LIMIT ?`,
    )
    .bind(segment, after, limit)
    .all<MemberRow>();
  return results.map((r) => member(r));
}

/** A uniform random sample of indexed visitor ids. */
export async function sampleVisitors(db: D1Database, n: number): Promise<string[]> {
  const { results } = await db.prepare("SELECT visitor_id FROM visitors WHERE erased = 0 ORDER BY random() LIMIT ?").bind(n).all<{ visitor_id: string }>();
  return results.map((r) => r.visitor_id);
}
