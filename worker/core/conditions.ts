/**
 * Compiles rule conditions (worker/rules/schema.ts) into closures, once per rules version, so
 * evaluating a profile does no parsing or dispatch on JSON. Each compiled condition also says
 * when, with no new event, its answer could next change: that instant drives the profile's
 * alarm (an add-to-cart becoming "30 minutes ago", a window emptying, 17:00 arriving).
 * Pure: everything time-dependent takes `now` from the caller.
 */
import type { Condition, PropTest, DayName, Schedule } from "../rules/schema";
import { DAY_NAMES } from "../rules/schema";
import { durationMs } from "./duration";
import { clockText, minuteOfDay, nextLocalMinute, type LocalClock } from "./clock";
import { eventsOf, firstAfter, type ProfileView, type StoredEvent, type VisitContext } from "./profile";
import { describeCondition } from "./describe";
import type { Acquisition, ContextKey } from "./context";
import type { Scores } from "./scores";

/** The value a `score` condition tests: engagement level, intent 0–1, RFM group. */
export function scoreValue(scores: Scores, name: "engagement" | "intent" | "rfm"): number | string | null {
  return name === "engagement" ? scores.engagement.level : name === "intent" ? scores.intent.score : scores.rfm.group;
}

const ACQUISITION = { referrer: 1, utm_source: 1, utm_medium: 1, utm_campaign: 1 };

export interface EvalState {
  readonly profile: ProfileView;
  readonly now: number;
  readonly clock: LocalClock;
  readonly context: VisitContext;
  /** How the visitor last arrived (from the profile's page views), computed on first use. */
  acquisition(): Acquisition;
  /** Built-in scores, computed on first use. */
  scores(): Scores;
  /** Whether another segment holds (memoised by the caller). */
  segment(name: string): boolean;
  segmentNextChange(name: string): number;
}

export interface CompiledCondition {
  holds(s: EvalState): boolean;
  /** Earliest instant after `now` at which `holds` could change without a new event. */
  nextChange(s: EvalState): number;
  /** Why it holds or not, in words, with what was measured (for preview). */
  explain(s: EvalState): Explanation;
}

export interface Explanation {
  text: string;
  holds: boolean;
  children?: Explanation[];
}

const NEVER = Number.POSITIVE_INFINITY;

export function compileCondition(c: Condition): CompiledCondition {
  if ("all" in c) return allOf(c.all.map(compileCondition));
  if ("any" in c) return anyOf(c.any.map(compileCondition));
  if ("not" in c) return negate(compileCondition(c.not));
  const leaf = compileLeaf(c);
  const text = describeCondition(c);
  return {
    ...leaf,
    explain: (s) => {
      const measured = leaf.measure(s);
      return { text: measured ? `${text} — ${measured}` : text, holds: leaf.holds(s) };
    },
  };
}

/** A leaf condition, with what it measured in words ("2 so far", "31 minutes ago"). */
type Leaf = Omit<CompiledCondition, "explain"> & { measure(s: EvalState): string };

function compileLeaf(c: Condition): Leaf {
  if ("count" in c) {
    const match = compileWhere(c.count.where);
    const within = c.count.within ? durationMs(c.count.within) : undefined;
    return windowed(c.count.event, match, within, () => 1, compare(c, 1));
  }
  if ("sum" in c) {
    const match = compileWhere(c.sum.where);
    const within = c.sum.within ? durationMs(c.sum.within) : undefined;
    const prop = c.sum.prop;
    return windowed(c.sum.event, match, within, (e) => numeric(e.props?.[prop]), compare(c, Number.MIN_VALUE));
  }
  if ("since" in c) return since(c.since.event, compileWhere(c.since.where), c.atLeast, c.atMost);
  if ("idleFor" in c) return idleFor(durationMs(c.idleFor));
  if ("firstSeenWithin" in c) return firstSeenWithin(durationMs(c.firstSeenWithin));
  if ("localTime" in c) return localTime(minuteOfDay(c.localTime.from), minuteOfDay(c.localTime.to));
  if ("days" in c) return days(c.days);
  if ("lastSeen" in c) return lastSeen(c.lastSeen.atLeast ? durationMs(c.lastSeen.atLeast) : 0, c.lastSeen.atMost ? durationMs(c.lastSeen.atMost) : NEVER);
  if ("context" in c) {
    const tests = Object.entries(c.context).map(([key, test]) => [key as ContextKey, compilePropTest(test!)] as const);
    const valueOf = (s: EvalState, key: ContextKey) => s.context[key] ?? (key in ACQUISITION ? s.acquisition()[key as keyof Acquisition] : undefined);
    return {
      holds: (s) => tests.every(([key, test]) => test(valueOf(s, key))),
      nextChange: () => NEVER,
      measure: (s) => tests.map(([key]) => `${key} is ${valueOf(s, key) ?? "unknown"}`).join(", "),
    };
  }
  if ("trait" in c) {
    const tests = Object.entries(c.trait).map(([key, test]) => [key, compilePropTest(test)] as const);
    return {
      holds: (s) => tests.every(([key, test]) => test(s.profile.traits[key])),
      nextChange: () => NEVER,
      measure: (s) => tests.map(([key]) => `${key} is ${JSON.stringify(s.profile.traits[key] ?? null)}`).join(", "),
    };
  }
  if ("score" in c) {
    const tests = Object.entries(c.score).map(([name, test]) => [name as "engagement" | "intent" | "rfm", compilePropTest(test!)] as const);
    return {
      holds: (s) => tests.every(([name, test]) => test(scoreValue(s.scores(), name))),
      // Scores drift with time (windows of 3 to 60 days): look again in an hour.
      nextChange: (s) => s.now + 3_600_000,
      measure: (s) => tests.map(([name]) => `${name} is ${scoreValue(s.scores(), name) ?? "none"}`).join(", "),
    };
  }
  if ("birthMonth" in c) {
    const month = (s: EvalState) => Number(s.clock.date.slice(5, 7));
    return {
      holds: (s) => Number(s.profile.traits.birth_month) === month(s),
      nextChange: (s) => nextLocalMinute(s.now, s.clock, 0),
      measure: (s) => `birth_month is ${JSON.stringify(s.profile.traits.birth_month ?? null)}, this month is ${month(s)}`,
    };
  }
  if ("segment" in c) {
    const name = c.segment;
    return {
      holds: (s) => s.segment(name),
      nextChange: (s) => s.segmentNextChange(name),
      measure: (s) => (s.segment(name) ? "it holds" : "it does not hold"),
    };
  }
  throw new Error(`unknown condition: ${Object.keys(c).join(", ")}`);
}

/** A slot rule's schedule: date range, days and hours, all in the visitor's timezone. */
export function compileSchedule(schedule: Schedule): CompiledCondition {
  const parts: CompiledCondition[] = [];
  if (schedule.from || schedule.until) parts.push(dateRange(schedule.from, schedule.until));
  if (schedule.days) parts.push(compileCondition({ days: schedule.days }));
  if (schedule.hours) parts.push(compileCondition({ localTime: schedule.hours }));
  return allOf(parts, "on schedule");
}

function dateRange(from = "0000-01-01", until = "9999-12-31"): CompiledCondition {
  const holds = (s: EvalState) => s.clock.date >= from && s.clock.date <= until;
  return {
    holds,
    nextChange: (s) => nextLocalMinute(s.now, s.clock, 0),
    explain: (s) => ({ text: `dates ${from} to ${until} — local date is ${s.clock.date}`, holds: holds(s) }),
  };
}

export function allOf(parts: CompiledCondition[], label = "all of"): CompiledCondition {
  const holds = (s: EvalState) => parts.every((p) => p.holds(s));
  return {
    holds,
    nextChange: (s) => Math.min(...parts.map((p) => p.nextChange(s))),
    explain: (s) => ({ text: label, holds: holds(s), children: parts.map((p) => p.explain(s)) }),
  };
}

function anyOf(parts: CompiledCondition[]): CompiledCondition {
  const holds = (s: EvalState) => parts.some((p) => p.holds(s));
  return {
    holds,
    nextChange: (s) => Math.min(...parts.map((p) => p.nextChange(s))),
    explain: (s) => ({ text: "any of", holds: holds(s), children: parts.map((p) => p.explain(s)) }),
  };
}

function negate(inner: CompiledCondition): CompiledCondition {
  return {
    holds: (s) => !inner.holds(s),
    nextChange: (s) => inner.nextChange(s),
    explain: (s) => ({ text: "not", holds: !inner.holds(s), children: [inner.explain(s)] }),
  };
}

type Comparison = (value: number) => boolean;

/** atLeast/atMost/eq; with none given, "at least `fallback`" (i.e. at least one event). */
function compare(c: { atLeast?: number; atMost?: number; eq?: number }, fallback: number): Comparison {
  const { atLeast, atMost, eq } = c;
  if (atLeast === undefined && atMost === undefined && eq === undefined) return (v) => v >= fallback;
  return (v) =>
    (atLeast === undefined || v >= atLeast) && (atMost === undefined || v <= atMost) && (eq === undefined || v === eq);
}

/**
 * count/sum over the events of one type inside a trailing window (or all kept history).
 * Each compiled leaf keeps, per event list, the times of its matching events and running
 * totals, caught up with appended events: a window's total is two binary searches, so the
 * cost of evaluating stays flat as the history grows.
 */
function windowed(
  type: string,
  match: EventMatcher,
  within: number | undefined,
  valueOf: (e: StoredEvent) => number,
  ok: Comparison,
): Leaf {
  interface Index {
    revision: number | undefined;
    seen: number;
    ts: number[];
    /** cum[i] = total of the first i matching events. */
    cum: number[];
  }
  const indexes = new WeakMap<readonly StoredEvent[], Index>();
  const indexFor = (s: EvalState): Index => {
    const list = eventsOf(s.profile, type);
    let index = indexes.get(list);
    if (!index || index.revision !== s.profile.revision || index.seen > list.length) {
      index = { revision: s.profile.revision, seen: 0, ts: [], cum: [0] };
      indexes.set(list, index);
    }
    for (; index.seen < list.length; index.seen++) {
      const e = list[index.seen]!;
      if (!match(e)) continue;
      index.ts.push(e.ts);
      index.cum.push(index.cum[index.cum.length - 1]! + valueOf(e));
    }
    return index;
  };
  /** Position of the first matching event inside the window. */
  const windowStart = (index: Index, now: number) => {
    if (within === undefined) return 0;
    let lo = 0;
    let hi = index.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index.ts[mid]! > now - within) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const total = (s: EvalState) => {
    const index = indexFor(s);
    return index.cum[index.ts.length]! - index.cum[windowStart(index, s.now)]!;
  };
  return {
    holds: (s) => ok(total(s)),
    measure: (s) => `measured ${total(s)}`,
    nextChange(s) {
      if (within === undefined) return NEVER;
      // The oldest matching event in the window is the first to leave it.
      const index = indexFor(s);
      const first = index.ts[windowStart(index, s.now)];
      return first !== undefined && first <= s.now ? first + within + 1 : NEVER;
    },
  };
}

function lastMatching(events: readonly StoredEvent[], match: EventMatcher): StoredEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (match(events[i]!)) return events[i];
  return undefined;
}

function since(type: string, match: EventMatcher, atLeast?: string, atMost?: string): Leaf {
  const min = atLeast ? durationMs(atLeast) : 0;
  const max = atMost ? durationMs(atMost) : NEVER;
  return {
    holds(s) {
      const last = lastMatching(eventsOf(s.profile, type), match);
      if (!last) return false;
      const elapsed = s.now - last.ts;
      return elapsed >= min && elapsed <= max;
    },
    nextChange(s) {
      const last = lastMatching(eventsOf(s.profile, type), match);
      if (!last) return NEVER;
      if (s.now < last.ts + min) return last.ts + min;
      if (s.now <= last.ts + max) return last.ts + max + 1;
      return NEVER;
    },
    measure(s) {
      const last = lastMatching(eventsOf(s.profile, type), match);
      return last ? `the last was ${agoText(s.now - last.ts)} ago` : "never happened";
    },
  };
}

function idleFor(ms: number): Leaf {
  const lastTs = (s: EvalState) => s.profile.events.at(-1)?.ts;
  return {
    holds(s) {
      const last = lastTs(s);
      return last !== undefined && s.now - last >= ms;
    },
    nextChange(s) {
      const last = lastTs(s);
      return last !== undefined && s.now < last + ms ? last + ms : NEVER;
    },
    measure(s) {
      const last = lastTs(s);
      return last === undefined ? "no activity kept" : `last activity ${agoText(s.now - last)} ago`;
    },
  };
}

/** Time since the last activity, within [min, max]. */
function lastSeen(min: number, max: number): Leaf {
  const lastTs = (s: EvalState) => s.profile.events.at(-1)?.ts;
  return {
    holds(s) {
      const last = lastTs(s);
      return last !== undefined && s.now - last >= min && s.now - last <= max;
    },
    nextChange(s) {
      const last = lastTs(s);
      if (last === undefined) return NEVER;
      if (s.now < last + min) return last + min;
      return s.now <= last + max ? last + max + 1 : NEVER;
    },
    measure(s) {
      const last = lastTs(s);
      return last === undefined ? "no activity kept" : `last activity ${agoText(s.now - last)} ago`;
    },
  };
}

function firstSeenWithin(ms: number): Leaf {
  const firstTs = (s: EvalState) => s.profile.events[0]?.ts;
  return {
    holds(s) {
      const first = firstTs(s);
      return first === undefined || s.now - first <= ms;
    },
    nextChange(s) {
      const first = firstTs(s);
      return first !== undefined && s.now <= first + ms ? first + ms + 1 : NEVER;
    },
    measure(s) {
      const first = firstTs(s);
      return first === undefined ? "no history: a new visitor" : `first seen ${agoText(s.now - first)} ago`;
    },
  };
}

function localTime(from: number, to: number): Leaf {
  const inRange = (m: number) => (from <= to ? m >= from && m < to : m >= from || m < to);
  return {
    holds: (s) => inRange(s.clock.minute),
    measure: (s) => `local time is ${clockText(s.clock.minute)} (${s.context.timezone})`,
    nextChange: (s) => Math.min(nextLocalMinute(s.now, s.clock, from), nextLocalMinute(s.now, s.clock, to)),
  };
}

function days(names: readonly DayName[]): Leaf {
  const wanted = new Set(names.map((d) => DAY_NAMES.indexOf(d)));
  return {
    holds: (s) => wanted.has(s.clock.weekday),
    measure: (s) => `local day is ${DAY_NAMES[s.clock.weekday]}`,
    nextChange: (s) => nextLocalMinute(s.now, s.clock, 0),
  };
}

type EventMatcher = (e: StoredEvent) => boolean;
export const sourceOf = (e: StoredEvent): "server" | "browser" => e.source ?? "browser";
const ANY_EVENT: EventMatcher = () => true;

/** An event filter (`where`), as conditions and triggers use it. */
export function compileWhere(where: Record<string, PropTest> | undefined): EventMatcher {
  if (!where) return ANY_EVENT;
  const tests = Object.entries(where).map(([key, test]) => {
    const check = compilePropTest(test);
    // `source` is who sent the event ("server" from the backend, else "browser"), never a prop
    // a browser could set.
    if (key === "source") return (e: StoredEvent) => check(sourceOf(e));
    return (e: StoredEvent) => check(e.props?.[key]);
  });
  return (e) => tests.every((t) => t(e));
}

function compilePropTest(test: PropTest): (value: unknown) => boolean {
  if (typeof test !== "object") return (v) => v === test;
  const checks: Array<(v: unknown) => boolean> = [];
  if (test.eq !== undefined) checks.push((v) => v === test.eq);
  if (test.in !== undefined) {
    const set = new Set<unknown>(test.in);
    checks.push((v) => set.has(v));
  }
  if (test.contains !== undefined) {
    const needle = test.contains.toLowerCase();
    checks.push((v) => typeof v === "string" && v.toLowerCase().includes(needle));
  }
  const bound = (op: (a: number, b: number) => boolean, b: number | undefined) => {
    if (b !== undefined) checks.push((v) => typeof v === "number" && op(v, b));
  };
  bound((a, b) => a > b, test.gt);
  bound((a, b) => a >= b, test.gte);
  bound((a, b) => a < b, test.lt);
  bound((a, b) => a <= b, test.lte);
  if (test.has !== undefined) {
    const item = test.has.toLowerCase();
    checks.push((v) => {
      const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(",") : [];
      return list.some((x) => String(x).trim().toLowerCase() === item);
    });
  }
  return (v) => checks.every((c) => c(v));
}

function agoText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

function numeric(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}
