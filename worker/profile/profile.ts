/**
 * Profile Durable Object: one per visitor. Keeps a bounded event history in SQLite, dedupes
 * by event id, keeps which segments hold and since when, and sets one alarm at the next
 * instant any segment could change, events must be trimmed or the profile erased. All
 * decisions are made by the pure modules in worker/core (core/retention.ts plans what is
 * kept); this class only loads, stores and schedules. Its tables are made by the first
 * write; the worker only calls objects for ids it signed, so made-up ids never reach one.
 */
import { DurableObject } from "cloudflare:workers";
import { LiveProfile, type StoredEvent, type VisitContext } from "../core/profile";
import { compileRules, evaluateSegments, evaluationState, scoresFor, type CompiledRules } from "../core/segments";
import type { Condition, RulesDocument } from "../rules/schema";
import type { TemplateVars } from "../core/template";
import { templateVars } from "../core/vars";
import { addPurchase, lifetimeOf, type Lifetime, type Scores } from "../core/scores";
import { currentRules } from "../rules/store";
import { armKey, attribute, type ArmState } from "../core/arms";
import { shardOf } from "../stats/stats";
import { createArmTables, loadArms, storeArms, pruneArms } from "./arms";
import { shadowRows, startShadowDraft, type ExposureInput } from "./exposure";
import { boughtWithin, featuresAt } from "../core/intent/features";
import { KEEP_EVENTS_MS, planRetention, storedBytes } from "../core/retention";
import { identityOf } from "../identity/identity";
import { audienceRow, fingerprint, nextVersion, type AudienceMessage } from "../core/audience-row";
import { compileCondition, type CompiledCondition } from "../core/conditions";
import type { Transition } from "../core/triggers";
import type { DeliveryMessage } from "../core/message";
import { createFireTables, dueFires, nextFireDue, planFires } from "./fires";
import type { Settings } from "../settings";

const MAX_SEGMENT_LOG = 200;
/** The draft condition's name while a reach estimate evaluates it (not a valid segment name). */
const DRAFT = "@estimate";
/** How long the same page view may be given again (pageView). */
const VIEW_REUSE_MS = 60_000;

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
  /** The variants (and holdouts) this visitor was shown, for the results. */
  arms: ArmState[];
}

export class Profile extends DurableObject<Settings> {
  private readonly sql: SqlStorage;
  /** Mirrors the events table (oldest first), with traits and lifetime aggregates. */
  private readonly profile = new LiveProfile();
  private ids = new Set<string>();
  /** Bytes of the kept events, as the byte cap counts them. */
  private eventBytes = 0;
  private membership = new Map<string, number>();
  private context: VisitContext | null = null;
  private userId: string | null = null;
  private lastActivity: number | null = null;
  /** Whether this object has its tables yet (made by the first write). */
  private stored = false;
  /** The earliest pending fire (Infinity: none); undefined when it must be read again. */
  private fireDue: number | undefined;
  /** The rules version pending fires were last checked against. */
  private firesCheckedFor = "";
  /** Compiled `unless` conditions of triggers, by rules version and trigger id. */
  private readonly unlessCache = new Map<string, CompiledCondition>();
  /** The audience index's view of this visitor: the last version and fingerprint sent. */
  private indexed = { version: 0, fingerprint: "" };
  /** This visitor's state in each arm of each rule and trigger they were shown (results). */
  private arms = new Map<string, ArmState>();
  /** The shadow draft whose `shadow_seen` table this object has readied. */
  private shadowDraft: string | undefined;
  /** Moves with every change to the profile (changing()). */
  private revision = 0;
  /** The last page view and what it was made from (pageView). */
  private lastView: { rules: CompiledRules; context: string; revision: number; from: number; until: number; view: PageView } | undefined;

  constructor(ctx: DurableObjectState, env: Settings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  /**
   * Stores new events (ignoring ids already kept) and re-evaluates segments at `now`.
   * `alreadyCounted` is for events moved from another profile (identify): their statistics
   * were counted when they first arrived. `context` is null for the backend's events, which
   * say nothing about the visit. With `exposuresAtEdge`, a browser's impression of an arm this
   * visitor already has is the edge's exposure reported again (a duplicate); one of an arm
   * they lack is a page the edge could not attribute (before the cookie), and is kept.
   */
  async ingest(events: StoredEvent[], context: VisitContext | null, now = Date.now(), alreadyCounted = false, exposuresAtEdge = false): Promise<IngestOutcome> {
    return this.changing(async () => {
      this.createTables();
      let kept = 0;
      let latest = -Infinity;
      const added: StoredEvent[] = [];
      for (const e of events) {
        if (this.ids.has(e.id)) continue;
        if (exposuresAtEdge && e.type === "impression" && e.source === undefined && this.arms.has(armKey(String(e.props?.rule), String(e.props?.variant)))) continue;
        // Older than the events window (imported order history): only the order totals keep it,
        // once per transaction; the event itself would be trimmed at once.
        if (e.ts < now - KEEP_EVENTS_MS) {
          if (e.type === "purchase" && addPurchase(this.profile.lifetime, e)) {
            kept++;
            latest = Math.max(latest, e.ts);
          }
          continue;
        }
        this.sql.exec(
          "INSERT OR IGNORE INTO events (id, type, ts, props, source) VALUES (?, ?, ?, ?, ?)",
          e.id, e.type, e.ts, e.props === undefined ? null : JSON.stringify(e.props), e.source ?? null,
        );
        this.remember(e);
        added.push(e);
        if (e.type === "purchase") addPurchase(this.profile.lifetime, e);
        latest = Math.max(latest, e.ts);
        kept++;
      }
      // Results are counted beside the ingest, never in its way.
      if (!alreadyCounted && added.length) this.ctx.waitUntil(this.countForStats(added));
      if (kept > 0) {
        this.setMeta("lifetime", this.profile.lifetime);
        this.touch(Math.min(now, latest));
      }
      if (context) this.setContext(context);
      const view = await this.reevaluate(now, alreadyCounted ? [] : added);
      return { kept, duplicates: events.length - kept, ...view };
    });
  }

  /**
   * The edge served this visitor `input.exposures` (an arm per slot on the page, holdout
   * included): each is kept as an `impression` (source "server": no browser said so) and
   * counted for the rule's results; a draft in shadow mode is evaluated for the same page.
   * Called after the page went out, so a failure here never touches it.
   */
  async expose(input: ExposureInput): Promise<void> {
    return this.changing(async () => {
      const added: StoredEvent[] = [];
      const wasStored = this.stored;
      if (input.exposures.length) {
        this.createTables();
        for (const x of input.exposures) {
          const e: StoredEvent = { id: `x-${input.id}-${x.slot}`.slice(0, 64), type: "impression", ts: input.at, props: { slot: x.slot, rule: x.rule, variant: x.variant }, source: "server" };
          if (this.ids.has(e.id)) continue;
          this.sql.exec("INSERT OR IGNORE INTO events (id, type, ts, props, source) VALUES (?, ?, ?, ?, 'server')", e.id, e.type, e.ts, JSON.stringify(e.props));
          this.remember(e);
          added.push(e);
        }
        this.touch(input.at);
      }
      if (added.length) await this.countForStats(added);
      if (input.shadow) await this.countShadow(input);
      // A profile the edge alone wrote to still gets its erasure alarm; others keep theirs and are trimmed.
      if (added.length && !wasStored) await this.reevaluate(input.at);
      else if (added.length) this.plan(Number.POSITIVE_INFINITY, input.at);
    });
  }

  /**
   * Which segments hold at `now` for a page request, and template values; changes nothing.
   * A visitor whose pages ask the profile (a landing page, no snapshot cookie) asks it page
   * after page: the last answer is given again while the rules, the visit context and the
   * profile are the same and no segment can have changed (before its `validUntil`), for at
   * most VIEW_REUSE_MS, so time-dependent template values (an intent score) stay this fresh.
   */
  async pageView(context: VisitContext, now = Date.now()): Promise<PageView> {
    const rules = await currentRules(this.env);
    const key = JSON.stringify(context);
    const last = this.lastView;
    if (last && last.rules === rules && last.context === key && last.revision === this.revision && now >= last.from && now < last.until) return last.view;
    const { held, nextChange } = evaluateSegments(rules, this.profile, now, context);
    const view = this.viewOf(rules, held, nextChange, now);
    this.lastView = { rules, context: key, revision: this.revision, from: now, until: Math.min(view.validUntil, now + VIEW_REUSE_MS), view };
    return view;
  }

  /**
   * Runs a change to the profile. The revision moves before and after it, so a page view made
   * while it was under way (between its awaits) is never given again. A change that throws
   * still moves it.
   */
  private async changing<T>(change: () => Promise<T>): Promise<T> {
    this.revision++;
    try {
      return await change();
    } finally {
      this.revision++;
    }
  }

  private viewOf(rules: CompiledRules, held: ReadonlySet<string>, validUntil: number, now: number): PageView {
    return { segments: [...held], vars: templateVars(this.profile, now, scoresFor(rules, this.profile, now)), validUntil, rulesVersion: rules.version };
  }

  /**
   * Whether `condition` (already validated against `document`, whose segments it may name)
   * holds for this visitor at `now`: one sample of an audience reach estimate. Changes nothing.
   */
  async matches(documentJson: string, conditionJson: string, now = Date.now()): Promise<boolean> {
    // JSON text over RPC: the rules' recursive types are too deep for the stub's type mapping.
    const document = JSON.parse(documentJson) as RulesDocument;
    const condition = JSON.parse(conditionJson) as Condition;
    const rules = compileRules({ ...document, segments: { ...document.segments, [DRAFT]: { when: condition } } }, "estimate");
    const context = this.context ?? { timezone: document.timezone ?? this.env.DEFAULT_TIMEZONE ?? "UTC" };
    return evaluationState(rules, this.profile, now, context).segment(DRAFT);
  }

  /**
   * Training rows for the shop's intent model: this visitor's features at each past instant
   * they were known at, labelled by a purchase in the 14 days after (instants whose 14 days
   * have passed). Reads only.
   */
  async trainingRows(instants: number[]): Promise<Array<{ x: number[]; y: 0 | 1 }>> {
    const orders = this.profile.lifetime.history ?? [];
    const firstSeen = Math.min(this.profile.events[0]?.ts ?? Infinity, orders[0]?.ts ?? Infinity);
    const history = { orders, profile: this.profile, firstSeen: Number.isFinite(firstSeen) ? firstSeen : null };
    return instants.filter((t) => firstSeen <= t).map((t) => ({ x: featuresAt(history, t), y: boughtWithin(orders, t) ? 1 : 0 }));
  }

  /** Links this profile to a verified user id and merges in their traits. */
  async identify(userId: string, traits: Traits, now = Date.now()): Promise<void> {
    return this.changing(async () => {
      this.createTables();
      this.userId = userId;
      this.profile.traits = { ...this.profile.traits, ...traits };
      this.setMeta("user", { userId, traits: this.profile.traits });
      this.touch(now);
      await this.reevaluate(now);
    });
  }

  /** Everything kept about this visitor (GET /rujai/me). */
  async data(now = Date.now()): Promise<ProfileData> {
    const rules = await currentRules(this.env);
    const history = this.stored
      ? this.sql.exec<{ name: string; entered: number; exited: number }>("SELECT name, entered, exited FROM segment_log ORDER BY exited DESC").toArray()
      : [];
    return {
      userId: this.userId,
      traits: this.profile.traits as Traits,
      scores: scoresFor(rules, this.profile, now),
      lifetime: this.profile.lifetime,
      storedBytes: this.stored ? this.sql.databaseSize : 0,
      segments: [...this.membership].map(([name, since]) => ({ name, since })),
      history,
      events: this.profile.events,
      context: this.context,
      arms: [...this.arms.values()],
    };
  }

  /**
   * Arms of a profile merged into this one (identify): their visitors were counted already,
   * so an arm this profile lacks is taken as it is — a later purchase converts it, never
   * counts the visitor again. An arm both have keeps this profile's state.
   */
  async adoptArms(arms: ArmState[]): Promise<void> {
    return this.changing(async () => {
      const fresh = arms.filter((a) => !this.arms.has(armKey(a.rule, a.variant)));
      if (!fresh.length) return;
      this.createTables();
      for (const a of fresh) this.arms.set(armKey(a.rule, a.variant), a);
      storeArms(this.sql, fresh);
    });
  }

  /**
   * Erases every kept row and the alarm (DELETE /rujai/me, 13 months idle). A user's profile
   * also makes their Identity object forget them, so the next login starts afresh.
   */
  async erase(): Promise<void> {
    return this.changing(async () => {
      const userId = this.userId;
      // The index hears of it after every earlier write: its tombstone outranks them all.
      if (this.stored) this.sendToIndex({ visitorId: this.visitorId(), version: nextVersion(this.indexed.version, Date.now()), erased: true });
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.profile.clear();
      this.ids.clear();
      this.eventBytes = 0;
      this.membership.clear();
      this.context = null;
      this.userId = null;
      this.lastActivity = null;
      this.stored = false;
      this.indexed = { version: 0, fingerprint: "" };
      this.arms.clear();
      this.shadowDraft = undefined;
      this.fireDue = undefined;
      this.firesCheckedFor = "";
      if (userId !== null) await identityOf(this.env, userId).forget();
    });
  }

  override async alarm(): Promise<void> {
    return this.changing(async () => {
      const now = Date.now();
      const plan = this.plan(Number.POSITIVE_INFINITY, now);
      if (plan.erase) return this.erase();
      if (!this.stored) return;
      await this.reevaluate(now);
    });
  }

  private load(): void {
    this.stored = this.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").toArray().length > 0;
    if (!this.stored) return;
    this.migrate();
    const rows = this.sql.exec<{ id: string; type: string; ts: number; props: string | null; source: string | null }>("SELECT id, type, ts, props, source FROM events ORDER BY ts");
    for (const r of rows) {
      const e: StoredEvent = { id: r.id, type: r.type, ts: r.ts };
      if (r.props !== null) e.props = JSON.parse(r.props);
      if (r.source === "server") e.source = "server";
      this.remember(e);
    }
    for (const r of this.sql.exec<{ name: string; since: number }>("SELECT name, since FROM segments")) {
      this.membership.set(r.name, r.since);
    }
    const meta = new Map(this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray().map((r) => [r.key, JSON.parse(r.value) as unknown]));
    this.context = (meta.get("context") as VisitContext | undefined) ?? null;
    if (meta.has("user")) ({ userId: this.userId, traits: this.profile.traits } = meta.get("user") as { userId: string; traits: Traits });
    this.profile.lifetime = (meta.get("lifetime") as Lifetime | undefined) ?? lifetimeOf(this.profile.events);
    this.lastActivity = (meta.get("lastActivity") as number | undefined) ?? this.profile.events.at(-1)?.ts ?? null;
    this.indexed = (meta.get("indexed") as typeof this.indexed | undefined) ?? this.indexed;
    this.arms = loadArms(this.sql);
  }

  private createTables(): void {
    if (this.stored) return;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL, props TEXT, source TEXT);
      CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
      CREATE TABLE IF NOT EXISTS segments (name TEXT PRIMARY KEY, since INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS segment_log (name TEXT NOT NULL, entered INTEGER NOT NULL, exited INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    createFireTables(this.sql);
    createArmTables(this.sql);
    this.stored = true;
  }

  /** Profiles written before events had a source get the column (their events were all browser events). */
  private migrate(): void {
    const columns = this.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('events')").toArray();
    if (!columns.some((c) => c.name === "source")) this.sql.exec("ALTER TABLE events ADD COLUMN source TEXT");
    createFireTables(this.sql);
    createArmTables(this.sql);
  }

  private remember(e: StoredEvent): void {
    this.ids.add(e.id);
    this.profile.add(e);
    this.eventBytes += storedBytes(e);
  }

  private setMeta(key: string, value: unknown): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  /** Activity at `at` moves the 13-month erasure on. */
  private touch(at: number): void {
    if (this.lastActivity !== null && this.lastActivity >= at) return;
    this.lastActivity = at;
    this.setMeta("lastActivity", at);
  }

  private setContext(context: VisitContext): void {
    if (JSON.stringify(context) === JSON.stringify(this.context)) return;
    this.context = context;
    this.setMeta("context", context);
  }

  /**
   * Adds what these events mean for each arm's results to this visitor's Stats shard; never
   * fails the ingest. Arms of rules no longer known are forgotten after 90 days unseen.
   */
  private async countForStats(added: StoredEvent[]): Promise<void> {
    try {
      const rules = await currentRules(this.env);
      const impressions = this.profile.byType.get("impression") ?? [];
      const { deltas, changed } = attribute(this.arms, impressions, added, rules.goalOf);
      storeArms(this.sql, changed);
      const triggers = new Set((rules.document.triggers ?? []).map((t) => `trigger:${t.id}`));
      pruneArms(this.sql, this.arms, (rule) => rules.known.has(rule) || triggers.has(rule), Date.now());
      if (deltas.length) await shardOf(this.env, this.visitorId()).add(deltas);
    } catch (error) {
      console.warn("rujai: results not counted:", error);
    }
  }

  /** What the shadow draft would have shown on this page; counted in the visitor's shard. */
  private async countShadow(input: ExposureInput): Promise<void> {
    // Only a kept profile is evaluated: shadow mode never makes storage for anyone.
    if (!this.stored) return;
    try {
      const draft = (await currentRules(this.env)).shadow;
      if (draft && draft.version !== this.shadowDraft) {
        startShadowDraft(this.sql, draft.version);
        this.shadowDraft = draft.version;
      }
      const rows = draft ? shadowRows(this.sql, draft, this.profile, input, this.visitorId()) : null;
      if (draft && rows?.length) await shardOf(this.env, this.visitorId()).addShadow(draft.version, rows);
    } catch (error) {
      console.warn("rujai: shadow not counted:", error);
    }
  }

  /** The retention plan at `now` (core/retention.ts), with its trim applied. */
  private plan(nextSegmentChange: number, now: number) {
    const plan = planRetention({
      events: this.profile.events,
      bytes: this.eventBytes,
      bytesOf: storedBytes,
      lastActivity: this.lastActivity,
      nextSegmentChange,
      now,
    });
    if (plan.trim > 0) {
      for (const e of this.profile.dropOldest(plan.trim)) {
        this.ids.delete(e.id);
        this.eventBytes -= storedBytes(e);
        this.sql.exec("DELETE FROM events WHERE id = ?", e.id);
      }
    }
    return plan;
  }

  /** Records segment entries/exits at `now`, applies retention and sets the alarm. */
  private async reevaluate(now: number, added: readonly StoredEvent[] = []): Promise<PageView> {
    const rules = await currentRules(this.env);
    const context = this.context ?? { timezone: rules.document.timezone ?? this.env.DEFAULT_TIMEZONE ?? "UTC" };
    let { held, nextChange } = evaluateSegments(rules, this.profile, now, context);
    const plan = this.plan(nextChange, now);
    // Trimmed events can change what holds: evaluate again on what is kept.
    if (plan.trim > 0) ({ held, nextChange } = evaluateSegments(rules, this.profile, now, context));
    const transitions: Transition[] = [];
    for (const [name, since] of this.membership) {
      if (held.has(name)) continue;
      transitions.push({ segment: name, entered: false, at: now });
      this.membership.delete(name);
      this.sql.exec("DELETE FROM segments WHERE name = ?", name);
      this.sql.exec("INSERT INTO segment_log (name, entered, exited) VALUES (?, ?, ?)", name, since, now);
    }
    for (const name of held) {
      if (this.membership.has(name)) continue;
      transitions.push({ segment: name, entered: true, at: now });
      this.membership.set(name, now);
      this.sql.exec("INSERT OR REPLACE INTO segments (name, since) VALUES (?, ?)", name, now);
    }
    this.sql.exec(
      "DELETE FROM segment_log WHERE rowid NOT IN (SELECT rowid FROM segment_log ORDER BY exited DESC LIMIT ?)",
      MAX_SEGMENT_LOG,
    );
    // Scores and the top category are computed once, for the templates, the index and messages.
    const scores = scoresFor(rules, this.profile, now);
    const vars = templateVars(this.profile, now, scores);
    this.updateIndex(rules, scores, vars.top?.category, now);
    if (planFires(this.sql, rules, added, transitions, now)) this.fireDue = undefined;
    // Pending fires are only read when one is due, or when the rules changed (a deleted
    // trigger cancels its fires): an ordinary event costs no query here.
    this.fireDue ??= nextFireDue(this.sql);
    if (this.fireDue <= now || this.firesCheckedFor !== rules.version) {
      const messages = dueFires(this.sql, {
        rules, now, timezone: context.timezone, visitorId: this.visitorId(), userId: this.userId, vars,
        holds: (segment) => held.has(segment),
        unlessHolds: (id) => this.unlessHolds(rules, id, now, context),
      });
      this.send(messages);
      this.recordExposures(messages, now);
      this.firesCheckedFor = rules.version;
      this.fireDue = nextFireDue(this.sql);
    }
    const retention = plan.trim > 0 ? this.plan(nextChange, now).wakeAt : plan.wakeAt;
    const fireDue = this.fireDue;
    const wakeAt = retention === null && !Number.isFinite(fireDue) ? null : Math.min(retention ?? Infinity, fireDue);
    if (wakeAt === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== wakeAt) await this.ctx.storage.setAlarm(wakeAt);
    return { segments: [...held], vars, validUntil: Math.min(nextChange, wakeAt ?? Infinity), rulesVersion: rules.version };
  }

  /**
   * A sent or held-out message is an exposure, measured like a slot rule's: kept as an
   * `impression` of rule `trigger:<id>` (variant "sent" or "holdout"), so purchases in the 7
   * days after count for that arm in the trigger's Stats object.
   */
  private recordExposures(messages: readonly DeliveryMessage[], now: number): void {
    const exposures: StoredEvent[] = [];
    for (const m of messages) {
      const variant = m.kind === "deliver" ? "sent" : m.outcome === "holdout" ? "holdout" : null;
      if (!variant || m.trigger.startsWith("sync:")) continue;
      const e: StoredEvent = { id: `x-${m.id}`.slice(0, 64), type: "impression", ts: now, props: { slot: "message", rule: `trigger:${m.trigger}`, variant }, source: "server" };
      if (this.ids.has(e.id)) continue;
      this.sql.exec("INSERT OR IGNORE INTO events (id, type, ts, props, source) VALUES (?, ?, ?, ?, 'server')", e.id, e.type, e.ts, JSON.stringify(e.props));
      this.remember(e);
      exposures.push(e);
    }
    if (exposures.length) this.ctx.waitUntil(this.countForStats(exposures));
  }

  /** Whether trigger `id`'s `unless` condition holds now (compiled once per rules version). */
  private unlessHolds(rules: CompiledRules, id: string, now: number, context: VisitContext): boolean {
    let compiled = this.unlessCache.get(`${rules.version}:${id}`);
    if (!compiled) {
      const unless = rules.document.triggers?.find((t) => t.id === id)?.unless;
      if (!unless) return false;
      compiled = compileCondition(unless);
      this.unlessCache.set(`${rules.version}:${id}`, compiled);
    }
    return compiled.holds(evaluationState(rules, this.profile, now, context));
  }

  /**
   * Hands decided fires to the delivery queue, off the request path. If the queue refuses
   * them, the deliveries go back to pending a minute later: a fire is late, never lost.
   */
  private send(messages: DeliveryMessage[]): void {
    const queue = this.env.DELIVERY_QUEUE as Queue<DeliveryMessage> | undefined;
    if (!messages.length || !queue) return;
    this.ctx.waitUntil(
      queue.sendBatch(messages.map((body) => ({ body }))).catch((error: unknown) => {
        console.warn("rujai: deliveries not queued, retrying in a minute:", error);
        const retryAt = Date.now() + 60_000;
        for (const m of messages) if (m.kind === "deliver") this.sql.exec("UPDATE fires SET state = 'pending', due = ? WHERE id = ?", retryAt, m.id);
        this.fireDue = undefined;
        void this.ctx.storage.getAlarm().then((at) => (at === null || at > retryAt ? this.ctx.storage.setAlarm(retryAt) : undefined));
      }),
    );
  }

  /** Sends the visitor's audience row when something a marketer queries by has changed. */
  private updateIndex(rules: CompiledRules, scores: Scores, topCategory: string | undefined, now: number): void {
    const row = audienceRow({
      userId: this.userId,
      membership: this.membership,
      scores,
      topCategory,
      lastActivity: this.lastActivity,
      traits: this.profile.traits,
      allowedTraits: rules.document.audience?.traits ?? [],
    });
    const print = fingerprint(row);
    if (print === this.indexed.fingerprint) return;
    this.indexed = { version: nextVersion(this.indexed.version, now), fingerprint: print };
    this.setMeta("indexed", this.indexed);
    this.sendToIndex({ visitorId: this.visitorId(), version: this.indexed.version, row });
  }

  /** Off the request path: the queue carries it to the index; a failure is logged, never thrown. */
  private sendToIndex(message: AudienceMessage): void {
    const queue = this.env.AUDIENCE_QUEUE as Queue<AudienceMessage> | undefined;
    if (!queue) return;
    this.ctx.waitUntil(queue.send(message).catch((error: unknown) => console.warn("rujai: audience index not told:", error)));
  }

  /** The profile key this object was made for (its name). */
  private visitorId(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }
}
