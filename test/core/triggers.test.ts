/** Triggers as plans: which occurrences start, and what a due fire does. */
import { describe, expect, it } from "vitest";
import { decideFire, occurrencesOf, STALE_MS, type FireState } from "../../worker/core/triggers";
import type { Trigger } from "../../worker/rules/schema";

const NOW = Date.UTC(2026, 11, 1, 5, 0); // 12:00 in Bangkok
const thanks: Trigger = { id: "thanks", on: { event: "purchase", source: "server" }, after: "5m", to: "crm", payload: { x: 1 } };
const nudge: Trigger = { id: "nudge", on: { enter: "hesitant" }, after: "2h", quietHours: { from: "21:00", to: "09:00" }, to: "line", message: { text: "hi" } };

describe("occurrencesOf", () => {
  it.each([
    ["a server purchase now", { id: "p1", type: "purchase", ts: NOW, source: "server" as const }, ["thanks:p1"]],
    ["a browser purchase (the trigger wants the server's)", { id: "p2", type: "purchase", ts: NOW }, []],
    ["an imported purchase from last year", { id: "p3", type: "purchase", ts: NOW - 365 * 86_400_000, source: "server" as const }, []],
    ["a purchase due just within the stale window", { id: "p4", type: "purchase", ts: NOW - STALE_MS - 4 * 60_000, source: "server" as const }, ["thanks:p4"]],
  ])("%s", (_name, e, expected) => {
    expect(occurrencesOf([thanks], [e], [], NOW).map((o) => o.id)).toEqual(expected);
  });
  it("a segment entered starts an enter trigger, due after its delay", () => {
    expect(occurrencesOf([nudge], [], [{ segment: "hesitant", entered: true, at: NOW }], NOW)).toEqual([{ id: `nudge:enter:hesitant:${NOW}`, trigger: "nudge", at: NOW, due: NOW + 2 * 3_600_000 }]);
    expect(occurrencesOf([nudge], [], [{ segment: "hesitant", entered: false, at: NOW }], NOW)).toEqual([]);
  });
});

describe("decideFire", () => {
  const state = (over: Partial<FireState> = {}): FireState => ({
    trigger: nudge, now: NOW, timezone: "Asia/Bangkok", visitorId: "v-1234567890abcdef", holds: () => true, unlessHolds: false, sentLastDay: 0, cap: undefined, ...over,
  });
  it.each([
    ["sends when all is well", state(), { kind: "send" }],
    ["skips a deleted trigger", state({ trigger: undefined }), { kind: "skip", reason: "the trigger was deleted" }],
    ["skips when the visitor left the segment", state({ holds: () => false }), { kind: "skip", reason: "no longer in hesitant" }],
    ["skips when unless holds", state({ unlessHolds: true }), { kind: "skip", reason: "its unless condition holds" }],
    ["defers out of quiet hours to 09:00 local", state({ now: Date.UTC(2026, 11, 1, 16, 0) }), { kind: "defer", until: Date.UTC(2026, 11, 2, 2, 0), reason: "quiet hours until 09:00" }],
    ["skips past the cap", state({ cap: 2, sentLastDay: 2 }), { kind: "skip", reason: "the visitor already got 2 message(s) in the last 24 hours" }],
  ])("%s", (_name, s, expected) => {
    expect(decideFire(s)).toEqual(expected);
  });
});
