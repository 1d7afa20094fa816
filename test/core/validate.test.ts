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

  it("a goal names an event and a window of at most 90 days (events are kept that long)", () => {
    const rule = (goal: unknown) => ({ segments: {}, slots: { hero: [{ id: "x", show: { days: ["mon"] }, html: "hi", goal }] } });
    expect(validateRules(rule({ event: "sign_up", within: "1d", where: { source: "server" } }))).toMatchObject({ ok: true });
    const r = validateRules(rule({ event: "purchase", within: "120d" }));
    expect(r).toMatchObject({ ok: false, errors: [{ path: "$.slots.hero[0].goal.within", message: "at most 90 days (events are kept that long)" }] });
    const bad = validateRules(rule({ within: "7d" }));
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toContain("$.slots.hero[0].goal.event");
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

describe("triggers and destinations", () => {
  const base = {
    segments: { hesitant: { when: { count: { event: "add_to_cart" }, atLeast: 1 } } },
    slots: {},
    destinations: {
      crm: { type: "webhook", url: "https://crm.example.com/hooks/rujai", secret: "CRM_WEBHOOK_SECRET" },
      line: { type: "line", token: "LINE_CHANNEL_TOKEN", to: "trait.line_user_id" },
    },
  };
  it("the contract's example triggers are valid", () => {
    const r = validateRules({
      ...base,
      triggers: [
        { id: "welcome-day-1", on: { event: "sign_up" }, after: "24h", unless: { count: { event: "purchase", within: "24h" }, atLeast: 1 }, quietHours: { from: "21:00", to: "09:00" }, to: "line", message: { text: "สวัสดี {{trait.first_name | คุณลูกค้า}} ..." } },
        { id: "thanks", on: { event: "purchase", source: "server" }, after: "5m", to: "crm", payload: { kind: "thank-you", order: "{{event.transaction_id}}" } },
        { id: "cart-nudge", on: { enter: "hesitant" }, after: "2h", holdout: 0.1, to: "line", message: { text: "ของในตะกร้ายังรออยู่ ..." } },
      ],
    });
    expect(r).toMatchObject({ ok: true });
  });
  it("names each wrong reference, destination, form and placeholder at its path", () => {
    const r = validateRules({
      ...base,
      destinations: { ...base.destinations, sync: { type: "audience-sync", url: "https://crm.example.com/import", secret: "CRM_WEBHOOK_SECRET", segment: "ghosts", every: "1h" }, bad: { type: "webhook", url: "ftp://x", secret: "lowercase" } },
      triggers: [
        { id: "a", on: { enter: "nobody" }, to: "nowhere", payload: { x: "{{event.id}}" } },
        { id: "a", on: { event: "purchase" }, to: "line", payload: { x: 1 } },
        { id: "b", on: { event: "purchase" }, to: "crm", payload: { who: "{{trait.first_name}} {{user.email}}" } },
        { id: "c", on: { event: "purchase" }, to: "sync", payload: { x: 1 } },
      ],
    });
    if (r.ok) throw new Error("expected errors");
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: "$.destinations.bad.url", message: "an http(s) URL" },
        { path: "$.destinations.bad.secret", message: 'the name of a secret, like "CRM_WEBHOOK_SECRET"' },
      ]),
    );
    const fixed = validateRules({ ...base, destinations: { ...base.destinations, sync: { type: "audience-sync", url: "https://crm.example.com/import", secret: "CRM_WEBHOOK_SECRET", segment: "ghosts", every: "1h" } }, triggers: [
      { id: "a", on: { enter: "nobody" }, to: "nowhere", payload: { x: "{{event.id}}" } },
      { id: "a", on: { event: "purchase" }, to: "line", payload: { x: 1 } },
      { id: "b", on: { event: "purchase" }, to: "crm", payload: { who: "{{trait.first_name}} {{user.email}}" } },
      { id: "c", on: { event: "purchase" }, to: "sync", payload: { x: 1 } },
    ] });
    if (fixed.ok) throw new Error("expected errors");
    expect(fixed.errors).toEqual([
      { path: "$.destinations.sync.segment", message: 'unknown segment "ghosts"' },
      { path: "$.triggers[0].to", message: 'unknown destination "nowhere"' },
      { path: "$.triggers[0].on.enter", message: 'unknown segment "nobody"' },
      { path: "$.triggers[1].id", message: 'trigger id "a" is used twice' },
      { path: "$.triggers[1].message", message: "a LINE destination sends a message: give message.text" },
      { path: "$.triggers[2].payload.who", message: "unknown placeholder {{user.email}} (known: trait.<name>, top.category, engagement, intent, rfm, event.<prop>)" },
      { path: "$.triggers[3].to", message: '"sync" syncs a segment on a schedule; triggers send to webhook or line destinations' },
    ]);
  });
  it("event placeholders belong to messages, not to slot HTML", () => {
    const r = validateRules({ segments: { s: { when: { count: { event: "x" } } } }, slots: { hero: [{ id: "r", show: "s", html: "{{event.value}}" }] } });
    expect(r.ok).toBe(false);
  });
});

describe("messages for realistic mistakes", () => {
  const segments = { "sneaker-fans": { when: { count: { event: "view_item" }, atLeast: 3 } } };
  it.each([
    ["a number written as a word", { segments: { x: { when: { count: { event: "view_item" }, atLeast: "three" } } }, slots: {} }, [{ path: "$.segments.x.when.atLeast", message: 'expected a number, got "three"; did you mean "atLeast": 3?' }]],
    ["a wrong type in a nested condition", { segments: { x: { when: { all: [{ count: { event: "view_item", within: 7 } }] } } }, slots: {} }, [{ path: "$.segments.x.when.all[0].count.within", message: "Invalid input: expected string, received number" }]],
    ["a misspelt key", { segments: { x: { when: { count: { event: "view_item", whithin: "7d" } } } }, slots: {} }, [{ path: "$.segments.x.when.count.whithin", message: 'unknown field "whithin"' }]],
    ["an unknown segment, with a suggestion", { segments, slots: { hero: [{ id: "r", show: "sneaker-fan", html: "x" }] } }, [{ path: "$.slots.hero[0].show", message: 'unknown segment "sneaker-fan"; did you mean "sneaker-fans"?' }]],
    ["a bad duration", { segments: { x: { when: { idleFor: "30 minutes" } } }, slots: {} }, [{ path: "$.segments.x.when.idleFor", message: 'a duration like "30m", "24h" or "7d"' }]],
    ["an unclosed placeholder", { segments, slots: { hero: [{ id: "r", show: "sneaker-fans", html: "Hi {{trait.name" }] } }, [{ path: "$.slots.hero[0].html", message: 'unclosed placeholder "{{trait.name": add }}' }]],
  ])("%s", (_name, doc, expected) => {
    const r = validateRules(doc);
    if (r.ok) throw new Error("expected errors");
    expect(r.errors).toEqual(expected);
  });
  it("two problems at once — a schema error and an unknown segment — are both reported in one pass", () => {
    const r = validateRules({
      segments: { ...segments, y: { when: { count: { event: "view_item" }, atLeast: "five" } } },
      slots: { hero: [{ id: "r", show: "sneaker-fam", html: "x" }] },
    });
    if (r.ok) throw new Error("expected errors");
    expect(r.errors).toEqual([
      { path: "$.segments.y.when.atLeast", message: 'expected a number, got "five"; did you mean "atLeast": 5?' },
      { path: "$.slots.hero[0].show", message: 'unknown segment "sneaker-fam"; did you mean "sneaker-fans"?' },
    ]);
  });
});
