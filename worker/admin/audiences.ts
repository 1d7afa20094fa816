/**
 * The audience admin API (Bearer ADMIN_TOKEN, checked in index.ts; under {base}/admin/audiences): how many are in
 * each segment and how that moved, who they are (paged, by a score), the top N most likely to
 * buy, a CSV export, and the reach of a draft condition. Reads the D1 index only — except the
 * estimate, which asks a bounded sample of profiles.
 */
import { Hono } from "hono";
import { readJson, refuse } from "../http/body";
import { currentRules } from "../rules/store";
import { validateRules, jsonPath } from "../rules/validate";
import { Condition } from "../rules/schema";
import { decodeCursor, liveSizes, ORDERS, overlaps, rankedMembers, sampleVisitors, trends, visitorCount, type Order } from "../audience/queries";
import { exportCsv } from "../audience/csv";
import { wilson } from "../core/proportion";
import { profileOf } from "../edge/decide";
import type { Settings } from "../settings";

type Env = { Bindings: Settings };
const TREND_DAYS = 30;
const MAX_PAGE = 1_000;
const MAX_TOP = 5_000;
/** Profiles asked for a reach estimate: ±7 points at worst (a 95 % Wilson interval at p = ½). */
export const ESTIMATE_SAMPLE = 200;

const orderOf = (value: string | undefined): Order => {
  if (value === undefined) return "intent";
  if (value in ORDERS) return value as Order;
  refuse(400, `order must be one of ${Object.keys(ORDERS).join(", ")}`, "$.order");
};
const countOf = (value: string | undefined, fallback: number, max: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) refuse(400, `${name} must be a whole number from 1 to ${max}`, `$.${name}`);
  return n;
};

async function knownSegment(env: Settings, name: string): Promise<void> {
  const rules = await currentRules(env);
  if (!(name in rules.document.segments)) refuse(404, `no segment "${name}" in the serving rules`, "$.segment");
}

export const audienceApi = new Hono<Env>()
  .get("/admin/audiences", async (c) => {
    const rules = await currentRules(c.env);
    const from = new Date(Date.now() - (TREND_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const [sizes, history, pairs, visitors] = await Promise.all([liveSizes(c.env.AUDIENCE), trends(c.env.AUDIENCE, from), overlaps(c.env.AUDIENCE), visitorCount(c.env.AUDIENCE)]);
    const live = new Map(sizes.map((s) => [s.segment, s]));
    const segments = Object.entries(rules.document.segments).map(([name, s]) => ({
      name,
      label: s.label ?? null,
      size: live.get(name)?.size ?? 0,
      identified: live.get(name)?.identified ?? 0,
      trend: history.filter((h) => h.segment === name).map(({ day, size }) => ({ date: day, size })),
    }));
    return c.json({ visitors, segments, overlap: pairs.filter((p) => p.a in rules.document.segments && p.b in rules.document.segments) });
  })
  .get("/admin/audiences/top", async (c) => {
    const segment = c.req.query("segment");
    if (segment !== undefined) await knownSegment(c.env, segment);
    const n = countOf(c.req.query("n"), 500, MAX_TOP, "n");
    const { members } = await rankedMembers(c.env.AUDIENCE, { order: orderOf(c.req.query("by")), limit: n, factors: true, ...(segment !== undefined ? { segment } : {}) });
    return c.json({ by: orderOf(c.req.query("by")), segment: segment ?? null, members });
  })
  .post("/admin/audiences/estimate", async (c) => {
    const body = (await readJson(c.req.raw, 64 * 1024)) as { when?: unknown };
    const parsed = Condition.safeParse(body?.when);
    if (!parsed.success) refuse(400, parsed.error.issues[0]!.message, jsonPath(["when", ...parsed.error.issues[0]!.path]));
    const rules = await currentRules(c.env);
    // The draft is checked like a segment of the serving rules (references, timezones).
    const draft = validateRules({ ...rules.document, segments: { ...rules.document.segments, "draft-estimate": { when: parsed.data } } });
    if (!draft.ok) return c.json({ error: "the condition is invalid", errors: draft.errors.map((e) => ({ ...e, path: e.path.replace('$.segments["draft-estimate"].when', "$.when") })) }, 400);
    const total = await visitorCount(c.env.AUDIENCE);
    const when = parsed.data;
    if ("segment" in when && Object.keys(when).length === 1) {
      const size = (await liveSizes(c.env.AUDIENCE)).find((s) => s.segment === when.segment)?.size ?? 0;
      return c.json({ reach: size, low: size, high: size, visitors: total, method: "exact: counted in the audience index" });
    }
    const sample = await sampleVisitors(c.env.AUDIENCE, ESTIMATE_SAMPLE);
    const now = Date.now();
    const [documentJson, conditionJson] = [JSON.stringify(rules.document), JSON.stringify(when)];
    const answers = await Promise.all(sample.map((id) => profileOf(c.env, id).matches(documentJson, conditionJson, now).catch(() => null)));
    const asked = answers.filter((a) => a !== null);
    const hits = asked.filter(Boolean).length;
    const share = wilson(hits, asked.length);
    return c.json({
      reach: Math.round(share.estimate * total),
      low: Math.floor(share.low * total),
      high: Math.ceil(share.high * total),
      visitors: total,
      sampled: asked.length,
      matched: hits,
      method: `sample: the condition evaluated on ${asked.length} random profiles of ${total}; low–high is the 95 % Wilson interval of the share, times the visitors indexed`,
    });
  })
  .get("/admin/audiences/:segment/export.csv", async (c) => {
    const segment = c.req.param("segment");
    await knownSegment(c.env, segment);
    const traits = (await currentRules(c.env)).document.audience?.traits ?? [];
    return new Response(exportCsv(c.env.AUDIENCE, segment, traits), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${segment}-${new Date().toISOString().slice(0, 10)}.csv"`,
        "cache-control": "no-store",
      },
    });
  })
  .get("/admin/audiences/:segment", async (c) => {
    const segment = c.req.param("segment");
    await knownSegment(c.env, segment);
    const cursorText = c.req.query("cursor");
    const cursor = cursorText === undefined ? null : decodeCursor(cursorText);
    if (cursorText !== undefined && !cursor) refuse(400, "cursor is not one this API gave out", "$.cursor");
    const page = await rankedMembers(c.env.AUDIENCE, { segment, order: orderOf(c.req.query("order")), limit: countOf(c.req.query("limit"), 100, MAX_PAGE, "limit"), cursor });
    return c.json({ segment, order: orderOf(c.req.query("order")), ...page });
  });

