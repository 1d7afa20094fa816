import { describe, expect, it } from "vitest";
import { cases, NOW, ago, referencedSegments, scheduleCases } from "./condition-cases";
import { compileSchedule } from "../../worker/core/conditions";
import { compileRules, evaluateSegments, evaluationState } from "../../worker/core/segments";
import { buildProfile, EMPTY_PROFILE } from "../../worker/core/profile";
import type { Condition } from "../../worker/rules/schema";

const rulesWith = (when: Condition) =>
  compileRules(
    { segments: { subject: { when }, ...Object.fromEntries(Object.entries(referencedSegments).map(([k, v]) => [k, { when: v }])) }, slots: {} },
    "test",
  );

describe("conditions", () => {
  it.each(cases)("%s", (_name, when, events, now, expected, timezone = "Asia/Bangkok", extras = {}) => {
    const { held } = evaluateSegments(rulesWith(when), buildProfile(events, extras.traits), now, { timezone, ...extras.context });
    expect(held.has("subject")).toBe(expected);
  });
});

describe("slot schedules", () => {
  it.each(scheduleCases)("%s", (_name, schedule, now, expected) => {
    const state = evaluationState(compileRules({ segments: {}, slots: {} }, "t"), EMPTY_PROFILE, now, { timezone: "Asia/Bangkok" });
    expect(compileSchedule(schedule).holds(state)).toBe(expected);
  });
});

describe("next change (what the profile's alarm is set for)", () => {
  const next = (when: Condition, events = [ago(0, "page_view")], now = NOW, timezone = "Asia/Bangkok") =>
    evaluateSegments(rulesWith(when), buildProfile(events), now, { timezone }).nextChange;

  it("is 30 minutes after the last add_to_cart for a since-30m condition", () => {
    const cart = ago(5, "add_to_cart");
    expect(next({ since: { event: "add_to_cart" }, atLeast: "30m" }, [cart])).toBe(cart.ts + 30 * 60_000);
  });
  it("is when the oldest event in a window leaves it", () => {
    const old = ago(60, "view_item", { category: "sneakers" });
    const when: Condition = { count: { event: "view_item", where: { category: "sneakers" }, within: "2h" }, atLeast: 1 };
    expect(next(when, [old, ago(5, "view_item", { category: "sneakers" })])).toBe(old.ts + 2 * 3_600_000 + 1);
  });
  it("is the next local-time edge (21:00 Bangkok from 18:00)", () => {
    expect(next({ localTime: { from: "17:00", to: "21:00" } })).toBe(NOW + 3 * 3_600_000);
  });
  it("is never for conditions that cannot change without an event", () => {
    expect(next({ count: { event: "purchase" } })).toBe(Number.POSITIVE_INFINITY);
  });
  it("an empty profile holds only what needs no history", () => {
    const rules = compileRules(
      { segments: { evening: { when: { localTime: { from: "17:00", to: "21:00" } } }, fans: { when: { count: { event: "view_item" } } } }, slots: {} },
      "t",
    );
    expect([...evaluateSegments(rules, EMPTY_PROFILE, NOW, { timezone: "Asia/Bangkok" }).held]).toEqual(["evening"]);
    expect(rules.usesHistory).toBe(true);
  });
});
