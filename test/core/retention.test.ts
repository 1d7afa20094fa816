/** The retention plan: what a profile trims, when it is erased, when it wakes. */
import { describe, expect, it } from "vitest";
import { eraseAfter, KEEP_EVENTS_MS, MAX_EVENT_BYTES, MAX_EVENTS, planRetention } from "../../worker/core/retention";

interface KeptEvent {
  ts: number;
  bytes: number;
}

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 12);
const kept = (ages: number[], bytes = 100): KeptEvent[] => ages.map((age) => ({ ts: NOW - age, bytes }));
const plan = (events: KeptEvent[], over: Partial<Parameters<typeof planRetention<KeptEvent>>[0]> = {}) =>
  planRetention<KeptEvent>({ events, bytes: events.reduce((s, e) => s + e.bytes, 0), bytesOf: (e) => e.bytes, lastActivity: events.at(-1)?.ts ?? null, nextSegmentChange: Infinity, now: NOW, ...over });

describe("planRetention", () => {
  it.each([
    ["a fresh profile keeps everything and wakes at the next segment change", kept([3 * DAY, DAY]), { nextSegmentChange: NOW + 30 * 60_000 }, { erase: false, trim: 0, wakeAt: NOW + 30 * 60_000 }],
    ["with no time-dependent rule it still wakes: for the oldest event's 91st day", kept([80 * DAY, DAY]), {}, { trim: 0, wakeAt: NOW - 80 * DAY + KEEP_EVENTS_MS + DAY }],
    ["events a day past 90 days are trimmed back to 90 days", kept([92 * DAY, 91 * DAY, 89 * DAY, DAY]), {}, { trim: 2 }],
    ["an event just past 90 days waits for the slack", kept([90.5 * DAY, DAY]), {}, { trim: 0 }],
    ["a profile whose events all aged out is not erased: aggregates and traits stay", kept([100 * DAY, 95 * DAY]), { lastActivity: NOW - 95 * DAY }, { erase: false, trim: 2, eraseAt: eraseAfter(NOW - 95 * DAY), wakeAt: eraseAfter(NOW - 95 * DAY) }],
    ["13 months after the last activity, everything goes", [], { lastActivity: Date.UTC(2025, 9, 26, 12) }, { erase: true, trim: 0, wakeAt: null }],
    ["a day before that, nothing does", [], { lastActivity: Date.UTC(2025, 9, 27, 12) }, { erase: false, wakeAt: Date.UTC(2026, 10, 27, 12) }],
    ["a profile never written has nothing to plan", [], { lastActivity: null }, { erase: false, trim: 0, wakeAt: null, eraseAt: null }],
  ])("%s", (_name, events, over, expected) => {
    expect(plan(events, over)).toMatchObject(expected);
  });

  it("trims to the count cap once 5% over it", () => {
    const many = kept(Array.from({ length: MAX_EVENTS + 501 }, (_, i) => (MAX_EVENTS + 501 - i) * 1000));
    expect(plan(many).trim).toBe(501);
    expect(plan(many.slice(0, MAX_EVENTS + 400)).trim).toBe(0);
  });

  it("trims the oldest to the byte cap once 5% over it", () => {
    const big = kept(Array.from({ length: 44 }, (_, i) => (44 - i) * 60_000), 50 * 1024); // 2.15 MiB
    const result = plan(big);
    expect(result.trim).toBe(44 - Math.floor(MAX_EVENT_BYTES / (50 * 1024)));
    expect((44 - result.trim) * 50 * 1024).toBeLessThanOrEqual(MAX_EVENT_BYTES);
  });

  it("erases on the calendar date 13 months on", () => {
    expect(new Date(eraseAfter(Date.UTC(2026, 0, 15, 8, 30))).toISOString()).toBe("2027-02-15T08:30:00.000Z");
  });
});
