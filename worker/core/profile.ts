/**
 * What the segment engine sees of a visitor: kept events ordered by time and indexed by
 * type, plus the context of the current visit. Pure data; the Durable Object builds it.
 */
import type { WireEvent } from "../../sdk/src/wire";
import { lifetimeOf, type Lifetime } from "./scores";

/**
 * An event as kept: the wire event with its timestamp corrected to the server's clock, and
 * `source: "server"` when the site's backend sent it (POST {base}/server/e); browser events
 * carry no source. Rules can require `where: {source: "server"}` for what money depends on.
 */
export interface StoredEvent extends WireEvent {
  source?: "server";
}

/** The request-time facts a condition may use (timezone from `request.cf` or the rules). */
export interface VisitContext {
  timezone: string;
  country?: string;
  device?: string;
  browser?: string;
  /** The site's host, to tell an external referrer from an internal one. */
  host?: string;
  /** From this request's URL and Referer (a landing page); later pages use the profile's. */
  referrer?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
}

export interface ProfileView {
  /** All kept events, oldest first. */
  readonly events: readonly StoredEvent[];
  /** Events of each type, oldest first. */
  readonly byType: ReadonlyMap<string, readonly StoredEvent[]>;
  /** Traits from `identify` (tier, points, birth_month, tags …). */
  readonly traits: Readonly<Record<string, unknown>>;
  /** Purchase aggregates over the whole lifetime, beyond the kept event history. */
  readonly lifetime: Lifetime;
  /**
   * Changes whenever events are inserted other than at the end, or dropped; a view whose
   * revision is unchanged has only had events appended (so per-condition indexes can catch up
   * instead of rebuilding). Immutable views never change it.
   */
  readonly revision?: number;
}

const NO_EVENTS: readonly StoredEvent[] = [];
export const EMPTY_PROFILE: ProfileView = { events: NO_EVENTS, byType: new Map(), traits: {}, lifetime: lifetimeOf([]) };

/** Builds the view from events in any order; without kept aggregates, the lifetime is the events'. */
export function buildProfile(events: Iterable<StoredEvent>, traits: Readonly<Record<string, unknown>> = {}, lifetime?: Lifetime): ProfileView {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const byType = new Map<string, StoredEvent[]>();
  for (const e of sorted) {
    const list = byType.get(e.type);
    if (list) list.push(e);
    else byType.set(e.type, [e]);
  }
  return { events: sorted, byType, traits, lifetime: lifetime ?? lifetimeOf(sorted) };
}

export function eventsOf(profile: ProfileView, type: string): readonly StoredEvent[] {
  return profile.byType.get(type) ?? NO_EVENTS;
}

/** Index of the first event with ts > after (events sorted by ts). */
export function firstAfter(events: readonly { ts: number }[], after: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.ts > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The profile the Durable Object keeps in memory, updated in place: an event is placed by
 * binary search (the common case, the newest, is an append) and the oldest are dropped from
 * the front, so a new event costs O(log n) here, not a sort and rebuild of the whole history.
 */
export class LiveProfile implements ProfileView {
  readonly events: StoredEvent[] = [];
  readonly byType = new Map<string, StoredEvent[]>();
  traits: Readonly<Record<string, unknown>> = {};
  lifetime: Lifetime = lifetimeOf([]);
  revision = 0;

  add(e: StoredEvent): void {
    let list = this.byType.get(e.type);
    if (!list) this.byType.set(e.type, (list = []));
    const appendedToAll = insertSorted(this.events, e);
    const appendedToType = insertSorted(list, e);
    if (!appendedToAll || !appendedToType) this.revision++;
  }

  /** Drops the `n` oldest events; returns them. */
  dropOldest(n: number): StoredEvent[] {
    this.revision++;
    const dropped = this.events.splice(0, n);
    for (const e of dropped) {
      const list = this.byType.get(e.type)!;
      list.splice(list.indexOf(e), 1);
      if (!list.length) this.byType.delete(e.type);
    }
    return dropped;
  }

  clear(): void {
    this.revision++;
    this.events.length = 0;
    this.byType.clear();
    this.traits = {};
    this.lifetime = lifetimeOf([]);
  }
}

/** Places `e` by time; true when that was an append. */
function insertSorted(list: StoredEvent[], e: StoredEvent): boolean {
  if (!list.length || list[list.length - 1]!.ts <= e.ts) {
    list.push(e);
    return true;
  }
  list.splice(firstAfter(list, e.ts), 0, e);
  return false;
}
