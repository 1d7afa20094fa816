/** Fuzzing the rules validator: whatever arrives, it answers with errors and never throws. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validateRules, validateRulesText } from "../../worker/rules/validate";
import { compileRules } from "../../worker/core/segments";
import { evaluateSegments } from "../../worker/core/segments";
import { EMPTY_PROFILE } from "../../worker/core/profile";
import demoRules from "../../demo-site/rules.json";

/** Documents near the real shape: the demo's with random parts replaced. */
const mutated = fc
  .tuple(fc.jsonValue(), fc.constantFrom("segments", "slots", "timezone", "segments.hesitant.when", "slots.hero.0", "slots.hero.0.show", "segments.evening.when.localTime"))
  .map(([value, path]) => {
    const doc = structuredClone(demoRules) as Record<string, unknown>;
    const keys = path.split(".");
    let at: Record<string, unknown> = doc;
    for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
    at[keys.at(-1)!] = value;
    return doc;
  });

describe("validator fuzzing", () => {
  it("never throws on any JSON value, and every error has a path and a message", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated), (value) => {
        const result = validateRules(value);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) {
            expect(e.path).toMatch(/^\$/);
            expect(e.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
  it("never throws on any text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void validateRulesText(text)), { numRuns: 1000 });
  });
  it("whatever it accepts compiles and evaluates", () => {
    fc.assert(
      fc.property(mutated, (doc) => {
        const result = validateRules(doc);
        if (result.ok) evaluateSegments(compileRules(result.document, "fuzz"), EMPTY_PROFILE, Date.UTC(2026, 2, 4), { timezone: "Asia/Bangkok" });
      }),
      { numRuns: 500 },
    );
  });
});
