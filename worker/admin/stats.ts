/**
 * Results (admin, Bearer ADMIN_TOKEN): what each slot rule achieved against its holdout —
 * per arm the exposed and converting visitors, rate, revenue per visitor, each variant
 * against the holdout with 95 % intervals and the visitors still needed, the cumulative rate
 * per day with its band (the chart), and the same as CSV. Summed from every Stats shard.
 */
import { Hono, type Context } from "hono";
import { currentRules } from "../rules/store";
import { readArmDays } from "../stats/read";
import { daysBetween, METHODS, ruleResults } from "../core/results";
import { DEFAULT_GOAL } from "../rules/schema";
import { refuse } from "../http/body";
import { csvText } from "../audience/csv";
import type { Settings } from "../settings";

type Env = { Bindings: Settings };
const MAX_DAYS = 400;
/** The relative change the "visitors needed" figure is for. */
const MIN_EFFECT = 0.1;

/** `?days=` (1–400, default 30) as the first and last UTC day. */
function range(c: Context<Env>): { from: string; to: string; days: number } {
  const raw = c.req.query("days") ?? "30";
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) refuse(400, `days must be a whole number from 1 to ${MAX_DAYS}`, "$.days");
  const now = Date.now();
  return { from: new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10), to: new Date(now).toISOString().slice(0, 10), days };
}

export const statsApi = new Hono<Env>()
  .get("/admin/stats", async (c) => {
    const { from, to, days } = range(c);
    const rules = await currentRules(c.env);
    const rows = await readArmDays(c.env, from);
    const dayList = daysBetween(from, to);
    const slots = [...rules.slots].map(([slot, candidates]) => ({
      slot,
      rules: candidates.map(({ rule }) => ({
        rule: rule.id,
        holdout: rule.holdout ?? 0,
        goal: rule.goal ?? DEFAULT_GOAL,
        ...ruleResults(rows.filter((r) => r.rule === rule.id), dayList, MIN_EFFECT),
      })),
    }));
    return c.json({ from, to, days, minEffect: MIN_EFFECT, methods: METHODS, slots });
  })
  .get("/admin/stats/export.csv", async (c) => {
    const { from, to } = range(c);
    const rows = await readArmDays(c.env, from);
    const header = ["rule", "variant", "day", "visitors", "converters", "conversions", "revenue", "revenue_squares", "impressions", "clicks"];
    const body = csvText([header, ...rows.map((r) => [r.rule, r.variant, r.day, r.visitors, r.converters, r.conversions, r.revenue, r.revenueSquares, r.impressions, r.clicks])]);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="rujai-results-${from}-to-${to}.csv"`,
        "cache-control": "no-store",
      },
    });
  });
