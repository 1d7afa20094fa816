/**
 * The admin API under {base}/admin (Bearer ADMIN_TOKEN, checked once for every admin API in
 * index.ts): the rules document — get, validate, save (refused whole with every error's path;
 * the serving version stays), history and rollback — and preview: what a visitor or a
 * hand-written profile would see, and why.
 */
import { Hono, type Context } from "hono";
import { authorOf } from "../http/admin-auth";
import { validateRules, validateRulesText, jsonPath, type Validation } from "../rules/validate";
import { currentRules, forgetRules, RULES_KEY, versionOf } from "../rules/store";
import { listVersions, readVersion, saveVersion } from "../rules/history";
import { summarizeChange } from "../rules/diff";
import { compileRules, scoresFor, type CompiledRules } from "../core/segments";
import { preview, type Preview } from "../core/preview";
import { templateVars } from "../core/vars";
import { describeCondition, describeRule } from "../core/describe";
import { describeTrigger } from "../core/trigger-preview";
import { buildProfile } from "../core/profile";
import { profileOf } from "../edge/decide";
import { fetchOrigin } from "../edge/origin";
import { isRewritable, rewriteSlots } from "../edge/rewrite";
import { PreviewBody, handWrittenSubject, type PreviewSubject } from "./preview-input";
import { readJson, readText } from "../http/body";
import { refusedDocument } from "./shadow";
import type { Settings } from "../settings";

type Env = { Bindings: Settings };
const MAX_RULES_BYTES = 256 * 1024;

const bodyText = (c: Context<Env>) => readText(c.req.raw, MAX_RULES_BYTES);

function refused(c: Context<Env>, validation: Extract<Validation, { ok: false }>) {
  return c.json(refusedDocument(validation), 400);
}

async function currentDocument(kv: KVNamespace) {
  const text = await kv.get(RULES_KEY);
  const parsed = text === null ? null : validateRulesText(text);
  return { text, document: parsed?.ok ? parsed.document : null };
}

/** Who is previewed, at what time, against which rules. */
async function previewSubject(c: Context<Env>, input: PreviewBody, now: number): Promise<{ rules: CompiledRules; subject: PreviewSubject; visitorId: string } | Response> {
  let rules = await currentRules(c.env, now);
  if (input.rules !== undefined) {
    const draft = validateRules(input.rules);
    if (!draft.ok) return c.json({ error: "the draft rules are invalid", errors: draft.errors.map((e) => ({ ...e, path: e.path.replace(/^\$/, "$.rules") })) }, 400);
    rules = compileRules(draft.document, "draft");
  }
  if (input.visitorId) {
    const data = await profileOf(c.env, input.visitorId).data();
    const profile = buildProfile(data.events, data.traits, data.lifetime);
    const subject = { profile, vars: templateVars(profile, now, scoresFor(rules, profile, now)), context: data.context ?? {} };
    return { rules, subject, visitorId: input.visitorId };
  }
  const subject = handWrittenSubject(input.profile ?? { events: [], traits: {} }, now);
  subject.vars = templateVars(subject.profile, now, scoresFor(rules, subject.profile, now));
  return { rules, subject, visitorId: "preview-visitor" };
}

async function parsePreview(c: Context<Env>): Promise<PreviewBody | Response> {
  const parsed = PreviewBody.safeParse(await readJson(c.req.raw, MAX_RULES_BYTES));
  if (!parsed.success) {
    return c.json({ error: "bad preview request", errors: parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })) }, 400);
  }
  return parsed.data;
}

/** Parses a preview request and answers it; a Response when the request is refused. */
async function runPreview(c: Context<Env>): Promise<{ input: PreviewBody; result: Preview } | Response> {
  const input = await parsePreview(c);
  if (input instanceof Response) return input;
  const now = input.at === undefined ? Date.now() : new Date(input.at).getTime();
  const found = await previewSubject(c, input, now);
  if (found instanceof Response) return found;
  const { rules, subject, visitorId } = found;
  const timezone = subject.context.timezone ?? rules.document.timezone ?? c.env.DEFAULT_TIMEZONE ?? "UTC";
  return { input, result: preview(rules, subject.profile, now, { ...subject.context, timezone }, visitorId, subject.vars) };
}

export const adminApi = new Hono<Env>()
  .get("/admin/rules", async (c) => {
    const { text, document } = await currentDocument(c.env.RULES);
    const [latest] = await listVersions(c.env.RULES, 1);
    return c.json({ version: text === null ? null : await versionOf(text), document, saved: latest ?? null });
  })
  .post("/admin/rules/validate", async (c) => {
    const result = validateRulesText(await bodyText(c));
    if (!result.ok) return c.json({ valid: false, errors: result.errors }, 400);
    const { document: before } = await currentDocument(c.env.RULES);
    return c.json({
      valid: true,
      summary: summarizeChange(before, result.document),
      segments: Object.entries(result.document.segments).map(([name, s]) => ({ name, label: s.label ?? null, summary: describeCondition(s.when) })),
      slots: Object.fromEntries(Object.entries(result.document.slots).map(([slot, rules]) => [slot, rules.map((r) => ({ id: r.id, summary: describeRule(r) }))])),
      triggers: (result.document.triggers ?? []).map((t) => ({ id: t.id, summary: describeTrigger(t) })),
    });
  })
  .put("/admin/rules", async (c) => {
    const text = await bodyText(c);
    const result = validateRulesText(text);
    if (!result.ok) return refused(c, result);
    const current = await currentDocument(c.env.RULES);
    const expected = c.req.header("if-match")?.replace(/"/g, "");
    if (expected && current.text !== null && expected !== (await versionOf(current.text))) {
      return c.json({ error: `the rules changed since version ${expected}; reload and apply your change again` }, 409);
    }
    const info = await saveVersion(c.env.RULES, text, result.document, authorOf(c.req.header("x-rujai-author")), summarizeChange(current.document, result.document));
    forgetRules();
    return c.json(info);
  })
  .get("/admin/rules/history", async (c) => c.json({ versions: await listVersions(c.env.RULES) }))
  .get("/admin/rules/history/:version", async (c) => {
    const found = await readVersion(c.env.RULES, c.req.param("version"));
    if (!found) return c.json({ error: `no version ${c.req.param("version")}` }, 404);
    return c.json({ ...found.info, document: JSON.parse(found.text) });
  })
  .post("/admin/rules/rollback", async (c) => {
    const body = ((await readJson(c.req.raw, 1024)) ?? {}) as { version?: unknown };
    if (typeof body.version !== "string") return c.json({ error: "give the version to roll back to", path: "$.version" }, 400);
    const found = await readVersion(c.env.RULES, body.version);
    if (!found) return c.json({ error: `no version ${body.version}`, path: "$.version" }, 404);
    const author = authorOf(c.req.header("x-rujai-author"));
    // Checked again: what was valid then may not be now (a segment name since taken, say).
    const old = validateRulesText(found.text);
    if (!old.ok) return refused(c, old);
    const info = await saveVersion(c.env.RULES, found.text, old.document, author, `rollback to ${body.version} (${found.info.summary})`);
    forgetRules();
    return c.json(info);
  })
  .post("/admin/preview", async (c) => {
    const answer = await runPreview(c);
    return answer instanceof Response ? answer : c.json(answer.result);
  })
  .post("/admin/preview/page", async (c) => {
    const answer = await runPreview(c);
    if (answer instanceof Response) return answer;
    const { input, result } = answer;
    // Joined to this site, never resolved: a path like "//other-host/x" stays on this host.
    const url = new URL(c.req.url);
    const [path = "/", query = ""] = (input.path ?? "/").split("?", 2);
    url.pathname = path;
    url.search = query;
    const origin = await fetchOrigin(new Request(url, { headers: { accept: "text/html" } }), c.env);
    if (!isRewritable(origin)) return c.text("that page cannot be previewed (not a 200 UTF-8 HTML page)", 422);
    const slots = new Map(
      result.slots.flatMap((s) => (s.shown ? [[s.slot, { rule: s.shown.rule, variant: s.shown.variant, render: () => s.shown!.html }] as const] : [])),
    );
    // A preview must not track the marketer: the SDK tag is taken out.
    const page = new HTMLRewriter().on('script[src$="rujai.js"]', { element: (e) => void e.remove() }).transform(rewriteSlots(origin, slots));
    return new Response(page.body, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
  });
