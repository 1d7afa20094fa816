/**
 * Triggers as plans (pure): which occurrences new events and segment changes start, and —
 * when one is due — what to do with it: send, record as held out, skip (with the reason), or
 * wait (quiet hours). The Profile object keeps the pending occurrences and applies the plan;
 * the delivery queue sends.
 *
 * - An occurrence has one id for its whole life (`<trigger>:<event id>`, or
 *   `<trigger>:enter:<segment>:<entered at>`), stored once, so it is never enqueued twice,
 *   and that id is the webhook's `webhook-id` on every retry.
 * - `unless` is checked when the fire is due, not when it was planned; an `enter` trigger
 *   fires only if the visitor is still in the segment (an `exit` one, only if still out).
 * - Occurrences due more than an hour ago (imported history, long-queued events) start nothing.
 * - Quiet hours defer, never drop. The per-visitor cap counts what was sent in the last 24 h
 *   across all triggers; a held-out occurrence is recorded and counts toward nothing.
 */
import type { Trigger } from "../rules/schema";
import type { StoredEvent } from "./profile";
import type { JsonValue } from "../../sdk/src/wire";
import { compileWhere, sourceOf } from "./conditions";
import { durationMs } from "./duration";
import { localClock, minuteOfDay, nextLocalMinute } from "./clock";
import { bucket } from "./hash";

export interface Occurrence {
  id: string;
  trigger: string;
  /** When it happened. */
  at: number;
  /** When it should fire (at + after). */
  due: number;
  /** The triggering event's props, for `{{event.…}}` placeholders. */
  event?: Record<string, JsonValue>;
}

export interface Transition {
  segment: string;
  entered: boolean;
  at: number;
}

/**
 * An occurrence due more than this long ago is history, not a cue: imported past orders, or
 * events a browser queued offline for days, start nothing ("thank within 5 minutes" of a
 * purchase two days ago would be wrong).
 */
export const STALE_MS = 3_600_000;

export function occurrencesOf(triggers: readonly Trigger[], added: readonly StoredEvent[], transitions: readonly Transition[], now: number): Occurrence[] {
  const out: Occurrence[] = [];
  for (const t of triggers) {
    const delay = t.after ? durationMs(t.after) : 0;
    const on = t.on;
    if ("event" in on) {
      const matches = compileWhere(on.where);
      for (const e of added) {
        if (e.type !== on.event || (on.source && sourceOf(e) !== on.source) || e.ts + delay < now - STALE_MS || !matches(e)) continue;
        out.push({ id: `${t.id}:${e.id}`, trigger: t.id, at: e.ts, due: e.ts + delay, ...(e.props ? { event: e.props } : {}) });
      }
    } else {
      const [segment, entered] = "enter" in on ? [on.enter, true] : [on.exit, false];
      for (const x of transitions) {
        if (x.segment !== segment || x.entered !== entered) continue;
        out.push({ id: `${t.id}:${entered ? "enter" : "exit"}:${segment}:${x.at}`, trigger: t.id, at: x.at, due: x.at + delay });
      }
    }
  }
  return out;
}

export type FireDecision = { kind: "send" } | { kind: "holdout" } | { kind: "skip"; reason: string } | { kind: "defer"; until: number; reason: string };

export interface FireState {
  /** The trigger as the serving rules define it now; undefined when it was deleted. */
  trigger: Trigger | undefined;
  now: number;
  timezone: string;
  visitorId: string;
  /** Whether a segment holds now. */
  holds: (segment: string) => boolean;
  /** Whether the trigger's `unless` holds now (false when it has none). */
  unlessHolds: boolean;
  /** Messages sent to this visitor in the last 24 hours, by any trigger. */
  sentLastDay: number;
  cap: number | undefined;
}

export function decideFire(state: FireState): FireDecision {
  const t = state.trigger;
  if (!t) return { kind: "skip", reason: "the trigger was deleted" };
  if ("enter" in t.on && !state.holds(t.on.enter)) return { kind: "skip", reason: `no longer in ${t.on.enter}` };
  if ("exit" in t.on && state.holds(t.on.exit)) return { kind: "skip", reason: `back in ${t.on.exit}` };
  if (state.unlessHolds) return { kind: "skip", reason: "its unless condition holds" };
  if (t.quietHours) {
    const from = minuteOfDay(t.quietHours.from);
    const to = minuteOfDay(t.quietHours.to);
    const clock = localClock(state.now, state.timezone);
    const quiet = from <= to ? clock.minute >= from && clock.minute < to : clock.minute >= from || clock.minute < to;
    if (quiet) return { kind: "defer", until: nextLocalMinute(state.now, clock, to), reason: `quiet hours until ${t.quietHours.to}` };
  }
  if (t.holdout && bucket(state.visitorId, `${t.id}:holdout`) < t.holdout) return { kind: "holdout" };
  if (state.cap !== undefined && state.sentLastDay >= state.cap) return { kind: "skip", reason: `the visitor already got ${state.cap} message(s) in the last 24 hours` };
  return { kind: "send" };
}
