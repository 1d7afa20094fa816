/** The DO's in-memory profile stays ordered and indexed as events arrive and leave, and agrees with a fresh build. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildProfile, LiveProfile, type StoredEvent } from "../../worker/core/profile";
import { compileRules, evaluateSegments } from "../../worker/core/segments";

const rules = compileRules(
  {
    segments: {
      recent: { when: { count: { event: "view_item", where: { category: "sneakers" }, within: "30m" }, atLeast: 2 } },
      spend: { when: { sum: { event: "purchase", prop: "value", within: "1h" }, atLeast: 500 } },
    },
    slots: {},
  },
  "t",
);

describe("LiveProfile", () => {
  it("keeps events sorted when they arrive out of order, and drops the oldest", () => {
    const p = new LiveProfile();
    for (const ts of [5, 1, 3, 9, 7]) p.add({ id: `e${ts}`, type: ts % 2 ? "view_item" : "page_view", ts });
    expect(p.events.map((e) => e.ts)).toEqual([1, 3, 5, 7, 9]);
    expect(p.dropOldest(2).map((e) => e.ts)).toEqual([1, 3]);
    expect(p.byType.get("view_item")!.map((e) => e.ts)).toEqual([5, 7, 9]);
  });

  it("evaluates like a profile built from scratch after any sequence of adds, drops and evaluations", () => {
    const NOW = 10_000_000;
    const step = fc.oneof(
      fc.record({ add: fc.record({ minutesAgo: fc.integer({ min: 0, max: 90 }), type: fc.constantFrom("view_item", "purchase"), sneakers: fc.boolean(), value: fc.integer({ min: 0, max: 400 }) }) }),
      fc.record({ drop: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ evaluateAt: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const live = new LiveProfile();
        let n = 0;
        for (const s of steps) {
          if ("add" in s) {
            const e: StoredEvent = { id: `x${n++}`, type: s.add.type, ts: NOW - s.add.minutesAgo * 60_000, props: { category: s.add.sneakers ? "sneakers" : "drinks", value: s.add.value } };
            live.add(e);
          } else if ("drop" in s) live.dropOldest(s.drop);
          else {
            const now = NOW + s.evaluateAt * 60_000;
            const fresh = buildProfile(live.events);
            const a = evaluateSegments(rules, live, now, { timezone: "UTC" });
            const b = evaluateSegments(rules, fresh, now, { timezone: "UTC" });
            expect([...a.held].sort()).toEqual([...b.held].sort());
            expect(a.nextChange).toBe(b.nextChange);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
