/**
 * What a profile keeps, and for how long — as a plan the Profile object only applies:
 * which of the oldest events to trim now, whether to erase everything, and when to wake next.
 *
 * - Events: 90 days, at most 10,000, at most 2 MiB in all (oldest trimmed first). Trimming
 *   waits for some excess (5% more events or bytes, a day past 90 days) and then trims back to
 *   the limits in one go: every trim makes the segment indexes rebuild.
 * - Lifetime purchase aggregates and traits are not events: trimming never touches them.
 * - The whole profile is erased exactly 13 calendar months after the last activity, always —
 *   whether or not any rule is time-dependent, and whether or not events are left.
 * Pure.
 */
export const MAX_EVENTS = 10_000;
export const KEEP_EVENTS_MS = 90 * 86_400_000;
/** Bytes of event data kept per visitor (ids, types and props as stored). */
export const MAX_EVENT_BYTES = 2 * 1024 * 1024;
export const ERASE_AFTER_MONTHS = 13;
const SLACK_EVENTS = MAX_EVENTS / 20;
const SLACK_BYTES = MAX_EVENT_BYTES / 20;
const SLACK_MS = 86_400_000;

export interface RetentionInput<E extends { ts: number }> {
  /** Kept events, oldest first. */
  events: readonly E[];
  /** Sum of their bytes. */
  bytes: number;
  /** One event's bytes; asked only of events being trimmed, so a plan that trims nothing costs O(1). */
  bytesOf: (e: E) => number;
  /** The last activity (an event's time, or an identify); null for a profile never written. */
  lastActivity: number | null;
  /** When any segment could next change with no new event (Infinity: never). */
  nextSegmentChange: number;
  now: number;
}

export interface RetentionPlan {
  /** Erase the whole profile now. */
  erase: boolean;
  /** Trim this many of the oldest events now. */
  trim: number;
  /** When the profile will be erased unless there is new activity. */
  eraseAt: number | null;
  /** When to wake next (the alarm), or null for never (a profile with nothing kept). */
  wakeAt: number | null;
}

/** The instant 13 calendar months after `t` (UTC; the 31st of a short month rolls over, as Date does). */
export function eraseAfter(t: number): number {
  const d = new Date(t);
  d.setUTCMonth(d.getUTCMonth() + ERASE_AFTER_MONTHS);
  return d.getTime();
}

export function planRetention<E extends { ts: number }>({ events, bytes, bytesOf, lastActivity, nextSegmentChange, now }: RetentionInput<E>): RetentionPlan {
  if (lastActivity === null) return { erase: false, trim: 0, eraseAt: null, wakeAt: null };
  const eraseAt = eraseAfter(lastActivity);
  if (now >= eraseAt) return { erase: true, trim: 0, eraseAt, wakeAt: null };

  const cutoff = now - KEEP_EVENTS_MS;
  const overCount = events.length > MAX_EVENTS + SLACK_EVENTS;
  const overBytes = bytes > MAX_EVENT_BYTES + SLACK_BYTES;
  const overAge = events.length > 0 && events[0]!.ts < cutoff - SLACK_MS;
  let trim = 0;
  if (overCount || overBytes || overAge) {
    let left = bytes;
    while (trim < events.length && (events[trim]!.ts < cutoff || events.length - trim > MAX_EVENTS || left > MAX_EVENT_BYTES)) {
      left -= bytesOf(events[trim]!);
      trim++;
    }
  }
  const oldestKept = events[trim];
  const nextTrim = oldestKept ? oldestKept.ts + KEEP_EVENTS_MS + SLACK_MS : Infinity;
  const wakeAt = Math.max(now, Math.min(nextSegmentChange, nextTrim, eraseAt));
  return { erase: false, trim, eraseAt, wakeAt };
}

/** The bytes an event takes as stored: what the byte cap counts. */
export function storedBytes(e: { id: string; type: string; props?: unknown }): number {
  return e.id.length + e.type.length + (e.props === undefined ? 0 : JSON.stringify(e.props).length) + 24;
}
