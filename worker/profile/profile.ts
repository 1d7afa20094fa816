/**
 * Profile Durable Object: one per visitor. Keeps a bounded event history in SQLite, dedupes
 * by event id, keeps which segments hold and since when, and sets one alarm at the next
 * instant any segment could change (or kept data expires). All decisions are made by the pure
 * modules in worker/core; this class only loads, stores and schedules.
 */
import { DurableObject } from "cloudflare:workers";
import { LiveProfile, type StoredEvent, type VisitContext } from "../core/profile";
import { evaluateSegments, rfmThresholds, type CompiledRules } from "../core/segments";
import type { TemplateVars } from "../core/template";
import { templateVars } from "../core/vars";
import { addPurchase, lifetimeOf, scoresOf, type Lifetime, type Scores } from "../core/scores";
import { currentRules } from "../rules/store";
import { statDeltas, type StatDelta } from "../core/attribution";
import { statsOf } from "../stats/stats";
import type { Settings } from "../settings";

/** Kept per visitor: 90 days of events, at most this many. */
export const MAX_EVENTS = 10_000;
export const KEEP_EVENTS_MS = 90 * 86_400_000;
/**
 * Pruning waits for this much excess (5% more events, one day older) and then trims back to
 * the limits in one go: each trim makes the segment indexes rebuild, so trimming one event
 * per ingest would make every ingest pay for the whole history.
 */
const PRUNE_SLACK_EVENTS = MAX_EVENTS / 20;
const PRUNE_SLACK_MS = 86_400_000;
/** A profile with no activity for 13 months is deleted. */
export const DELETE_IDLE_MS = 396 * 86_400_000;
const MAX_SEGMENT_LOG = 200;

export interface IngestOutcome extends PageView {
  kept: number;
  duplicates: number;
}

export interface SegmentMembership {
  name: string;
  since: number;
}

/** What a page request needs: the segments that hold and the values templates may show. */
export interface PageView {
  segments: string[];
  vars: TemplateVars;
  /** Until when this answer holds with no new event (the alarm's instant); for the snapshot. */
  validUntil: number;
  rulesVersion: string;
}

export type Traits = Record<string, string | number | boolean>;

export interface ProfileData {
  userId: string | null;
  traits: Traits;
  /** Built-in scores now, with the factors behind them. */
  scores: Scores;
  lifetime: Lifetime;
  /** Bytes this profile takes in storage (SQLite). */
  storedBytes: number;
  segments: SegmentMembership[];
  history: Array<{ name: string; entered: number; exited: number }>;
  events: StoredEvent[];
  context: VisitContext | null;
}

export class Profile extends DurableObject<Settings> {
  private readonly sql: SqlStorage;
  /** Mirrors the events table (oldest first), with traits and lifetime aggregates. */
  private readonly profile = new LiveProfile();
  private ids = new Set<string>();
  private membership = new Map<string, number>();
  private context: VisitContext | null = null;
  private userId: string | null = null;

  constructor(ctx: DurableObjectState, env: Settings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  /**
   * Stores new events (ignoring ids already kept) and re-evaluates segments at `now`.
   * `alreadyCounted` is for events moved from another profile (identify): their statistics
   * were counted when they first arrived.
   */
  async ingest(events: StoredEvent[], context: VisitContext, now = Date.now(), alreadyCounted = false): Promise<IngestOutcome> {
    let kept = 0;
    const added: StoredEvent[] = [];
    for (const e of events) {
      if (this.ids.has(e.id)) continue;
      this.sql.exec(
        "INSERT OR IGNORE INTO events (id, type, ts, props) VALUES (?, ?, ?, ?)",
        e.id, e.type, e.ts, e.props === undefined ? null : JSON.stringify(e.props),
      );
      this.ids.add(e.id);
      this.profile.add(e);
      added.push(e);
      if (e.type === "purchase") addPurchase(this.profile.lifetime, e);
      kept++;
    }
    if (!alreadyCounted) await this.countForStats(added, now);
    if (kept > 0) {
      this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('lifetime', ?)", JSON.stringify(this.profile.lifetime));
      this.prune(now);
    }
    this.setContext(context);
    const view = await this.reevaluate(now);
    return { kept, duplicates: events.length - kept, ...view };
  }

  /** Which segments hold at `now` for a page request, and template values; changes nothing. */
  async pageView(context: VisitContext, now = Date.now()): Promise<PageView> {
    const rules = await currentRules(this.env);
    const { held, nextChange } = evaluateSegments(rules, this.profile, now, context);
    return this.viewOf(rules, held, nextChange, now);
  }

  private viewOf(rules: CompiledRules, held: ReadonlySet<string>, validUntil: number, now: number): PageView {
    return { segments: [...held], vars: templateVars(this.profile, now, rfmThresholds(rules)), validUntil, rulesVersion: rules.version };
  }

  /** Links this profile to a verified user id and merges in their traits. */
  async identify(userId: string, traits: Traits, now = Date.now()): Promise<void> {
    this.userId = userId;
    this.profile.traits = { ...this.profile.traits, ...traits };
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('user', ?)", JSON.stringify({ userId, traits: this.profile.traits }));
    await this.reevaluate(now);
  }

  /** Everything kept about this visitor (GET /rujai/me). */
  async data(now = Date.now()): Promise<ProfileData> {
    const rules = await currentRules(this.env);
    const history = this.sql
      .exec<{ name: string; entered: number; exited: number }>("SELECT name, entered, exited FROM segment_log ORDER BY exited DESC")
      .toArray();
    return {
      userId: this.userId,
      traits: this.profile.traits as Traits,
      scores: scoresOf(this.profile, this.profile.lifetime, now, rfmThresholds(rules)),
      lifetime: this.profile.lifetime,
      storedBytes: this.sql.databaseSize,
      segments: [...this.membership].map(([name, since]) => ({ name, since })),
      history,
      events: this.profile.events,
      context: this.context,
    };
  }

  /** Erases every kept row and the alarm (DELETE /rujai/me). */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.profile.clear();
    this.ids.clear();
    this.membership.clear();
    this.context = null;
    this.userId = null;
    this.createTables();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const last = this.profile.events.at(-1);
    if (!last || now - last.ts >= DELETE_IDLE_MS) {
      await this.erase();
      return;
    }
    this.prune(now);
    await this.reevaluate(now);
  }

  private load(): void {
    this.createTables();
    const rows = this.sql.exec<{ id: string; type: string; ts: number; props: string | null }>("SELECT id, type, ts, props FROM events ORDER BY ts");
    for (const r of rows) this.profile.add(r.props === null ? { id: r.id, type: r.type, ts: r.ts } : { id: r.id, type: r.type, ts: r.ts, props: JSON.parse(r.props) });
    this.ids = new Set(this.profile.events.map((e) => e.id));
    for (const r of this.sql.exec<{ name: string; since: number }>("SELECT name, since FROM segments")) {
      this.membership.set(r.name, r.since);
    }
    const meta = new Map(this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray().map((r) => [r.key, r.value]));
    this.context = meta.has("context") ? (JSON.parse(meta.get("context")!) as VisitContext) : null;
    if (meta.has("user")) ({ userId: this.userId, traits: this.profile.traits } = JSON.parse(meta.get("user")!) as { userId: string; traits: Traits });
    this.profile.lifetime = meta.has("lifetime") ? (JSON.parse(meta.get("lifetime")!) as Lifetime) : lifetimeOf(this.profile.events);
  }

  private createTables(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL, props TEXT);
      CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
      CREATE TABLE IF NOT EXISTS segments (name TEXT PRIMARY KEY, since INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS segment_log (name TEXT NOT NULL, entered INTEGER NOT NULL, exited INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  private setContext(context: VisitContext): void {
    if (JSON.stringify(context) === JSON.stringify(this.context)) return;
    this.context = context;
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('context', ?)", JSON.stringify(context));
  }

  /** Adds what these events mean for each rule's statistics; never fails the ingest. */
  private async countForStats(added: StoredEvent[], now: number): Promise<void> {
    const byRule = new Map<string, StatDelta[]>();
    for (const d of statDeltas(this.profile, added)) byRule.set(d.rule, [...(byRule.get(d.rule) ?? []), d]);
    const day = new Date(now).toISOString().slice(0, 10);
    await Promise.all(
      [...byRule].map(([rule, deltas]) =>
        statsOf(this.env, rule)
          .add(day, deltas)
          .catch((error: unknown) => console.warn(`rujai: stats for ${rule} not counted:`, error)),
      ),
    );
  }

  /** Drops events past 90 days or beyond the count cap, oldest first (with slack, see above). */
  private prune(now: number): void {
    const events = this.profile.events;
    const cutoff = now - KEEP_EVENTS_MS;
    const tooMany = events.length > MAX_EVENTS + PRUNE_SLACK_EVENTS;
    const tooOld = events.length > 0 && events[0]!.ts < cutoff - PRUNE_SLACK_MS;
    if (!tooMany && !tooOld) return;
    let drop = 0;
    while (drop < events.length && events[drop]!.ts < cutoff) drop++;
    drop = Math.max(drop, events.length - MAX_EVENTS);
    if (drop <= 0) return;
    for (const e of this.profile.dropOldest(drop)) {
      this.ids.delete(e.id);
      this.sql.exec("DELETE FROM events WHERE id = ?", e.id);
    }
  }

  /** Records segment entries/exits at `now` and sets the alarm for the next possible change. */
  private async reevaluate(now: number): Promise<PageView> {
    const rules = await currentRules(this.env);
    const context = this.context ?? { timezone: rules.document.timezone ?? this.env.DEFAULT_TIMEZONE ?? "UTC" };
    const { held, nextChange } = evaluateSegments(rules, this.profile, now, context);
    for (const [name, since] of this.membership) {
      if (held.has(name)) continue;
      this.membership.delete(name);
      this.sql.exec("DELETE FROM segments WHERE name = ?", name);
      this.sql.exec("INSERT INTO segment_log (name, entered, exited) VALUES (?, ?, ?)", name, since, now);
    }
    for (const name of held) {
      if (this.membership.has(name)) continue;
      this.membership.set(name, now);
      this.sql.exec("INSERT OR REPLACE INTO segments (name, since) VALUES (?, ?)", name, now);
    }
    this.sql.exec(
      "DELETE FROM segment_log WHERE rowid NOT IN (SELECT rowid FROM segment_log ORDER BY exited DESC LIMIT ?)",
      MAX_SEGMENT_LOG,
    );
    await this.schedule(nextChange);
    return this.viewOf(rules, held, nextChange, now);
  }

  private async schedule(nextSegmentChange: number): Promise<void> {
    const oldest = this.profile.events[0];
    const newest = this.profile.events.at(-1);
    const next = Math.min(
      nextSegmentChange,
      oldest ? oldest.ts + KEEP_EVENTS_MS + PRUNE_SLACK_MS : Infinity,
      newest ? newest.ts + DELETE_IDLE_MS : Infinity,
    );
    if (!Number.isFinite(next)) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    if ((await this.ctx.storage.getAlarm()) !== next) await this.ctx.storage.setAlarm(next);
  }
}
