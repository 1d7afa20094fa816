/**
 * A deliberately naive evaluator of the condition language, written straight from DESIGN.md
 * with no indexes, windows or compilation: the property test checks the compiled engine
 * against it.
 */
import type { Condition, PropTest } from "../../worker/rules/schema";
import type { StoredEvent } from "../../worker/core/profile";

const UNIT: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
const ms = (d: string) => Number(d.slice(0, -1)) * UNIT[d.slice(-1)]!;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function local(now: number, tz: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", weekday: "short", hour: "numeric", minute: "numeric" }).formatToParts(now).map((p) => [p.type, p.value]),
  );
  return { minute: Number(parts.hour) * 60 + Number(parts.minute), day: parts.weekday!.toLowerCase().slice(0, 3) };
}

function test(t: PropTest, v: unknown): boolean {
  if (typeof t !== "object") return v === t;
  const n = typeof v === "number" ? v : NaN;
  return (
    (t.eq === undefined || v === t.eq) &&
    (t.in === undefined || t.in.includes(v as never)) &&
    (t.contains === undefined || (typeof v === "string" && v.toLowerCase().includes(t.contains.toLowerCase()))) &&
    (t.gt === undefined || n > t.gt) &&
    (t.gte === undefined || n >= t.gte) &&
    (t.lt === undefined || n < t.lt) &&
    (t.lte === undefined || n <= t.lte) &&
    (t.has === undefined || (typeof v === "string" ? v.split(",") : Array.isArray(v) ? v : []).some((x) => String(x).trim().toLowerCase() === t.has!.toLowerCase()))
  );
}

const matches = (e: StoredEvent, where?: Record<string, PropTest>) =>
  Object.entries(where ?? {}).every(([k, t]) => test(t, k === "source" ? (e.source ?? "browser") : e.props?.[k]));

export function reference(c: Condition, events: StoredEvent[], now: number, tz: string, traits: Record<string, unknown> = {}): boolean {
  const r = (x: Condition) => reference(x, events, now, tz, traits);
  if ("all" in c) return c.all.every(r);
  if ("any" in c) return c.any.some(r);
  if ("not" in c) return !r(c.not);
  const cmp = (v: number, x: { atLeast?: number; atMost?: number; eq?: number }, fallback: (v: number) => boolean) =>
    x.atLeast === undefined && x.atMost === undefined && x.eq === undefined ? fallback(v) : (x.atLeast === undefined || v >= x.atLeast) && (x.atMost === undefined || v <= x.atMost) && (x.eq === undefined || v === x.eq);
  const inWindow = (e: StoredEvent, within?: string) => !within || e.ts > now - ms(within);
  if ("count" in c) return cmp(events.filter((e) => e.type === c.count.event && inWindow(e, c.count.within) && matches(e, c.count.where)).length, c, (v) => v >= 1);
  if ("sum" in c) {
    const total = events.filter((e) => e.type === c.sum.event && inWindow(e, c.sum.within) && matches(e, c.sum.where)).reduce((s, e) => s + (Number(e.props?.[c.sum.prop]) || 0), 0);
    return cmp(total, c, (v) => v > 0);
  }
  const latest = (list: StoredEvent[]) => list.reduce<number | undefined>((m, e) => (m === undefined || e.ts > m ? e.ts : m), undefined);
  if ("since" in c) {
    const last = latest(events.filter((e) => e.type === c.since.event && matches(e, c.since.where)));
    return last !== undefined && now - last >= (c.atLeast ? ms(c.atLeast) : 0) && now - last <= (c.atMost ? ms(c.atMost) : Infinity);
  }
  if ("idleFor" in c) {
    const last = latest(events);
    return last !== undefined && now - last >= ms(c.idleFor);
  }
  if ("lastSeen" in c) {
    const last = latest(events);
    return last !== undefined && now - last >= (c.lastSeen.atLeast ? ms(c.lastSeen.atLeast) : 0) && now - last <= (c.lastSeen.atMost ? ms(c.lastSeen.atMost) : Infinity);
  }
  if ("firstSeenWithin" in c) {
    const first = events.reduce<number | undefined>((m, e) => (m === undefined || e.ts < m ? e.ts : m), undefined);
    return first === undefined || now - first <= ms(c.firstSeenWithin);
  }
  if ("localTime" in c) {
    const m = local(now, tz).minute;
    const [from, to] = [c.localTime.from, c.localTime.to].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
    return from! <= to! ? m >= from! && m < to! : m >= from! || m < to!;
  }
  if ("days" in c) return c.days.includes(local(now, tz).day as never);
  if ("trait" in c) return Object.entries(c.trait).every(([k, t]) => test(t, traits[k]));
  throw new Error(`reference evaluator has no case for ${Object.keys(c)[0]}`);
}

export { DAYS };
