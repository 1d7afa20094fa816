import { describe, expect, it } from "vitest";
import { validateRules, validateRulesText } from "../../worker/rules/validate";
import demoRules from "../../demo-site/rules.json";

describe("rules validation", () => {
  it("the demo shop's example rules are valid", () => {
    expect(validateRules(demoRules)).toMatchObject({ ok: true });
  });
  it("reports every error with its JSON path", () => {
    const r = validateRules({
      timezone: "Mars/Olympus",
      segments: {
        a: { when: { count: { event: "view_item", within: "7 days" }, atLeast: 3 } },
        b: { when: { all: [{ idleFor: "30m" }, { segmnt: "a" }] } },
        c: { when: { segment: "ghost" } },
      },
      slots: { hero: [{ id: "x", show: "nobody", html: "hi" }, { id: "y", show: "a" }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: "$.segments.a.when.count.within", message: 'a duration like "30m", "24h" or "7d"' },
        { path: "$.segments.b.when.all[1]", message: expect.stringContaining("exactly one of: count, sum") },
        { path: "$.slots.hero[1]", message: "give either html or variants (exactly one)" },
      ]),
    );
  });
  it("checks references, loops and timezones once the shape is right", () => {
    const r = validateRules({
      timezone: "Mars/Olympus",
      segments: { a: { when: { segment: "b" } }, b: { when: { not: { segment: "a" } } }, c: { when: { segment: "ghost" } } },
      slots: { hero: [{ id: "x", show: "nobody", html: "hi" }, { id: "x", show: "a", html: "again" }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: "$.timezone", message: expect.stringContaining("unknown timezone") },
        { path: "$.segments.c.when.segment", message: 'unknown segment "ghost"' },
        { path: "$.segments.a.when", message: "segments refer to each other in a loop: a → b → a" },
        { path: "$.slots.hero[0].show", message: 'unknown segment "nobody"' },
        { path: "$.slots.hero[1].id", message: 'rule id "x" is used twice in slot "hero"' },
      ]),
    );
  });
  it("refuses templates with unknown placeholders and impossible schedules", () => {
    const r = validateRules({
      segments: { fans: { when: { count: { event: "view_item" } } } },
      slots: {
        hero: [
          { id: "a", show: "fans", html: "Hi {{trait.first_name}} {{intent}}" },
          { id: "b", show: "fans", variants: [{ id: "v", html: "{{top.brand}}" }], schedule: { from: "2026-12-31", until: "2026-12-01" } },
          { id: "c", show: "fans", html: "x", schedule: {}, frequencyCap: { perDay: 0 } },
        ],
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: "$.slots.hero[1].schedule", message: "from must not be after until" },
        { path: "$.slots.hero[2].schedule", message: "give at least one of from, until, days, hours" },
        { path: "$.slots.hero[2].frequencyCap.perDay", message: expect.stringContaining(">=1") },
      ]),
    );
    const placeholders = validateRules({
      segments: { fans: { when: { count: { event: "view_item" } } } },
      slots: { hero: [{ id: "a", show: "fans", html: "Hi {{trait.first_name}} {{intnt}}" }, { id: "b", show: "fans", variants: [{ id: "v", html: "{{top.brand}}" }] }] },
    });
    expect(placeholders).toEqual({
      ok: false,
      errors: [
        { path: "$.slots.hero[0].html", message: "unknown placeholder {{intnt}} (known: trait.<name>, top.category, engagement, intent, rfm)" },
        { path: "$.slots.hero[1].variants[0].html", message: "unknown placeholder {{top.brand}} (known: trait.<name>, top.category, engagement, intent, rfm)" },
      ],
    });
  });

  it("names unknown fields", () => {
    const r = validateRules({ segments: {}, slots: {}, slotz: {} });
    expect(r).toEqual({ ok: false, errors: [{ path: "$.slotz", message: 'unknown field "slotz"' }] });
  });
  it("refuses text that is not JSON", () => {
    const r = validateRulesText("{");
    expect(r.ok).toBe(false);
  });
});
