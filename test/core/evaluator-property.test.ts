/** Property: the compiled, indexed evaluator agrees with the naive reference on random profiles and conditions. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { reference } from "./reference-evaluator";
import { compileRules, evaluateSegments } from "../../worker/core/segments";
import { buildProfile, type StoredEvent } from "../../worker/core/profile";
import type { Condition } from "../../worker/rules/schema";

const NOW = Date.UTC(2026, 2, 4, 11, 0, 0);
const TYPES = ["page_view", "view_item", "add_to_cart", "purchase"] as const;
const CATEGORIES = ["sneakers", "dresses", "drinks"];

const EDGES = [30, 60, 90, 120, 1440, 4320];
const duration = fc.oneof(
  fc.constantFrom("30m", "1h", "90m", "2h", "1d", "3d"),
  fc.integer({ min: 1, max: 180 }).map((n) => `${n}m`),
  fc.tuple(fc.integer({ min: 1, max: 72 }), fc.constantFrom("h", "d")).map(([n, u]) => `${n}${u}`),
);
const where = fc.option(fc.oneof(fc.record({ category: fc.constantFrom(...CATEGORIES) }), fc.record({ price: fc.record({ gte: fc.integer({ min: 0, max: 3000 }) }) })), { nil: undefined });
const counts = fc.record({ atLeast: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), atMost: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }) });
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);

const strip = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o));
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.tuple(fc.constantFrom(...TYPES), where, fc.option(duration, { nil: undefined }), counts).map(([event, w, within, c]) => strip({ count: { event, where: w, within }, ...c }) as Condition),
  fc.tuple(where, fc.option(duration, { nil: undefined }), fc.integer({ min: 0, max: 8000 })).map(([w, within, atLeast]) => strip({ sum: { event: "view_item", prop: "price", where: w, within }, atLeast }) as Condition),
  fc.tuple(fc.constantFrom(...TYPES), fc.option(duration, { nil: undefined }), fc.option(duration, { nil: undefined })).map(([event, atLeast, atMost]) => strip({ since: { event }, atLeast, atMost }) as Condition),
  duration.map((d) => ({ idleFor: d })),
  duration.map((d) => ({ firstSeenWithin: d })),
  fc.tuple(duration, duration).map(([a, b]) => ({ lastSeen: { atLeast: a, atMost: b } })),
  fc.tuple(hhmm, hhmm).map(([from, to]) => ({ localTime: { from, to } })),
  fc.uniqueArray(fc.constantFrom("sun", "mon", "tue", "wed", "thu", "fri", "sat" as const), { minLength: 1 }).map((days) => ({ days }) as Condition),
  fc.constantFrom("gold", "silver").map((tier) => ({ trait: { tier } }) as Condition),
  fc.integer({ min: 0, max: 2000 }).map((gte) => ({ trait: { points: { gte } } }) as Condition),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie("c").map((not) => ({ not })),
  ),
})).c;

const events = fc.array(
  fc.record({
    type: fc.constantFrom(...TYPES),
    // Often exactly on the edges the durations below draw (30m, 1h, 90m, 1d …), where an
    // off-by-one in a window or threshold shows; otherwise anywhere in ten days.
    minutesAgo: fc.oneof(fc.constantFrom(...EDGES.flatMap((m) => [m - 1, m, m + 1])), fc.integer({ min: -3, max: 60 * 24 * 10 })),
    category: fc.constantFrom(...CATEGORIES),
    price: fc.integer({ min: 0, max: 4000 }),
  }),
  { maxLength: 40 },
);
/** Events placed relative to the evaluation time, so "exactly 30 minutes ago" stays exact. */
const at = (now: number, list: Array<{ type: string; minutesAgo: number; category: string; price: number }>) =>
  list.map((e, i): StoredEvent => ({ id: `p${i}`, type: e.type, ts: now - e.minutesAgo * 60_000, props: { category: e.category, price: e.price } }));

const traits = fc.record({ tier: fc.constantFrom("gold", "silver", "bronze"), points: fc.integer({ min: 0, max: 3000 }) });

describe("compiled evaluator ≡ reference evaluator", () => {
  it("on random conditions, profiles, times and timezones", () => {
    fc.assert(
      fc.property(condition, events, traits, fc.integer({ min: 0, max: 7 * 24 * 60 }), fc.constantFrom("Asia/Bangkok", "UTC", "America/New_York"), (when, raw, tr, shift, tz) => {
        const now = NOW + shift * 60_000;
        const evs = at(now, raw);
        const rules = compileRules({ segments: { subject: { when } }, slots: {} }, "prop");
        const compiled = evaluateSegments(rules, buildProfile(evs, tr), now, { timezone: tz }).held.has("subject");
        expect(compiled).toBe(reference(when, evs, now, tz, tr));
      }),
      { numRuns: 3000 },
    );
  });
});
