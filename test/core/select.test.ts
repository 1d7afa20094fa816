import { describe, expect, it } from "vitest";
import { compileRules } from "../../worker/core/segments";
import { selectSlots } from "../../worker/core/select";
import type { RulesDocument } from "../../worker/rules/schema";

const doc: RulesDocument = {
  segments: { fans: { when: { count: { event: "view_item" } } }, buyers: { when: { count: { event: "purchase" } } } },
  slots: {
    hero: [
      { id: "low", show: "fans", html: "low" },
      { id: "high", show: "buyers", priority: 10, html: "high" },
      { id: "split", show: "fans", priority: 5, variants: [{ id: "a", html: "A", weight: 1 }, { id: "b", html: "B", weight: 3 }] },
    ],
    promo: [{ id: "held-out", show: "fans", holdout: 0.5, html: "promo" }],
  },
};
const rules = compileRules(doc, "t");
const visitors = Array.from({ length: 2000 }, (_, i) => `visitor-${i}`);

describe("selectSlots", () => {
  it("highest priority among holding segments wins", () => {
    expect(selectSlots(rules, new Set(["fans", "buyers"]), "v1").get("hero")).toMatchObject({ rule: "high", template: { parts: ["high"] } });
  });
  it("no holding segment: the slot keeps its default", () => {
    expect(selectSlots(rules, new Set(), "v1").size).toBe(0);
  });
  it("variants are sticky per visitor and follow weights", () => {
    const picks = visitors.map((v) => selectSlots(rules, new Set(["fans"]), v).get("hero")!.variant);
    expect(visitors.map((v) => selectSlots(rules, new Set(["fans"]), v).get("hero")!.variant)).toEqual(picks);
    const shareB = picks.filter((p) => p === "b").length / picks.length;
    expect(shareB).toBeGreaterThan(0.7);
    expect(shareB).toBeLessThan(0.8);
  });
  it("holdout visitors keep the default content, marked as holdout", () => {
    const decisions = visitors.map((v) => selectSlots(rules, new Set(["fans"]), v).get("promo")!);
    const held = decisions.filter((d) => d.variant === "holdout");
    expect(held.every((d) => d.template === null)).toBe(true);
    expect(held.length / decisions.length).toBeGreaterThan(0.45);
    expect(held.length / decisions.length).toBeLessThan(0.55);
  });
  it("only the asked slots", () => {
    expect([...selectSlots(rules, new Set(["fans"]), "v", ["promo"]).keys()]).toEqual(["promo"]);
  });
});
