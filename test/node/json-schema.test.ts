/** The published JSON Schema (what editors use) agrees with the validator on real documents. */
import { describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020.js";
import { z } from "zod";
import { RulesDocument } from "../../worker/rules/schema";
import demoRules from "../../demo-site/rules.json";

const schema = z.toJSONSchema(RulesDocument, { io: "input" });
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

describe("rules.schema.json", () => {
  it("accepts the demo shop's example rules", () => {
    expect(validate(demoRules)).toBe(true);
  });
  it("refuses a misspelt condition and a bad duration, as the API does", () => {
    const bad = structuredClone(demoRules) as unknown as { segments: Record<string, { when: unknown }> };
    bad.segments["sneaker-fans"]!.when = { count: { event: "view_item", within: "7 days" }, atLeast: 3 };
    bad.segments["evening"]!.when = { localtime: { from: "17:00", to: "21:00" } };
    expect(validate(bad)).toBe(false);
    const paths = new Set(validate.errors!.map((e) => e.instancePath));
    expect(paths).toContain("/segments/sneaker-fans/when/count/within");
  });
});
