/** GET {base}/rules.schema.json — the rules document's JSON Schema, generated from the one zod schema. */
import { Hono } from "hono";
import { z } from "zod";
import { RulesDocument } from "../rules/schema";
import type { Settings } from "../settings";

let published: string | undefined;

export const schemaRoute = new Hono<{ Bindings: Settings }>().get("/rules.schema.json", (c) => {
  published ??= JSON.stringify({
    ...z.toJSONSchema(RulesDocument, { io: "input" }),
    title: "rujai rules document",
    description: "Segments and slot rules for rujai edge personalization (DESIGN.md, 'Rules document').",
  });
  c.header("cache-control", "public, max-age=300");
  return c.body(published, 200, { "content-type": "application/schema+json; charset=utf-8" });
});
