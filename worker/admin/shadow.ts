/**
 * Shadow mode (admin, Bearer ADMIN_TOKEN): a draft rules document evaluated on live traffic
 * without rendering — `PUT` starts it (validated like a save), `GET` says what it would have
 * done so far, `DELETE` stops it. Pages never change: the edge only tells each known
 * visitor's Profile object which slots the page had, after the page went out.
 */
import { Hono } from "hono";
import { authorOf } from "../http/admin-auth";
import { readText } from "../http/body";
import { validateRulesText, type Validation } from "../rules/validate";
import { forgetRules, SHADOW_KEY, versionOf } from "../rules/store";
import { readShadow } from "../stats/read";
import type { ShadowRow } from "../core/shadow";
import type { Settings } from "../settings";

type Env = { Bindings: Settings };
const MAX_RULES_BYTES = 256 * 1024;

interface ShadowMeta {
  started: number;
  author: string;
}

export function refusedDocument(validation: Extract<Validation, { ok: false }>) {
  return { valid: false, error: `the rules document has ${validation.errors.length} error(s); nothing was saved`, errors: validation.errors };
}

/** The counted keys (core/shadow.ts) as the admin page reads them. */
export function shadowReport(rows: readonly ShadowRow[]) {
  const segments = [];
  const wins = [];
  const takes = [];
  for (const r of rows) {
    const [kind, rest = ""] = [r.key.slice(0, r.key.indexOf(":")), r.key.slice(r.key.indexOf(":") + 1)];
    if (kind === "segment") segments.push({ segment: rest, visitors: r.visitors, pages: r.impressions });
    if (kind === "win") {
      const [slot, rule, variant] = rest.split("/");
      wins.push({ slot, rule, variant, visitors: r.visitors, impressions: r.impressions });
    }
    if (kind === "take") {
      const slash = rest.indexOf("/");
      const [from, to] = rest.slice(slash + 1).split(">");
      takes.push({ slot: rest.slice(0, slash), from, to, visitors: r.visitors, impressions: r.impressions });
    }
  }
  return { segments, wins, takes };
}

export const shadowApi = new Hono<Env>()
  .put("/admin/shadow", async (c) => {
    const text = await readText(c.req.raw, MAX_RULES_BYTES);
    const result = validateRulesText(text);
    if (!result.ok) return c.json(refusedDocument(result), 400);
    const meta: ShadowMeta = { started: Date.now(), author: authorOf(c.req.header("x-rujai-author")) };
    await c.env.RULES.put(SHADOW_KEY, text, { metadata: meta });
    forgetRules();
    return c.json({ version: await versionOf(text), ...meta });
  })
  .get("/admin/shadow", async (c) => {
    const { value, metadata } = await c.env.RULES.getWithMetadata<ShadowMeta>(SHADOW_KEY);
    if (value === null) return c.json({ active: false });
    const version = await versionOf(value);
    return c.json({ active: true, version, started: metadata?.started ?? null, author: metadata?.author ?? null, document: JSON.parse(value) as unknown, ...shadowReport(await readShadow(c.env, version)) });
  })
  .delete("/admin/shadow", async (c) => {
    await c.env.RULES.delete(SHADOW_KEY);
    forgetRules();
    return c.json({ active: false });
  });
