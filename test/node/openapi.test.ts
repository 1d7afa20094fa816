/** The OpenAPI description validates as OpenAPI 3.1 with a well-kept validator. */
import { expect, it } from "vitest";
import { validate } from "@readme/openapi-parser";
import { openApiDocument } from "../../worker/api/openapi";

it("the generated OpenAPI document is valid OpenAPI 3.1 and covers the public and admin APIs", async () => {
  const doc = openApiDocument();
  const result = await validate(structuredClone(doc) as never);
  expect(result.valid, JSON.stringify("errors" in result ? result.errors : [])).toBe(true);
  const paths = Object.keys(doc.paths as object);
  for (const p of ["/rujai/e", "/rujai/identify", "/rujai/me", "/rujai/server/e", "/rujai/admin/rules", "/rujai/admin/audiences/top", "/rujai/admin/deliveries"]) expect(paths).toContain(p);
});
