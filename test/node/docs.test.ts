/** docs/rules-reference.md is generated from the schema and the condition cases: it must match them. */
import { expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { rulesReference } from "../../scripts/docs/rules-reference";

it("the committed rules reference is what `npm run docs` generates (run it after changing the schema or the cases)", () => {
  expect(readFileSync("docs/rules-reference.md", "utf8")).toBe(rulesReference());
});
