/**
 * Stats Durable Object: one per rule (named "rule:<id>"), so counting never funnels a whole
 * site through one object. Keeps daily counters per variant in SQLite; Profile objects add
 * to them as visitors' events arrive, and the admin API reads them.
 */
import { DurableObject } from "cloudflare:workers";
import type { StatDelta, VariantStats } from "../core/attribution";
import type { Settings } from "../settings";

/** The Stats object counting one rule. */
export function statsOf(env: Settings, rule: string): DurableObjectStub<Stats> {
  // wrangler types cannot see the class behind the binding; this is it.
  const ns = env.STATS as unknown as DurableObjectNamespace<Stats>;
  return ns.get(ns.idFromName(`rule:${rule}`));
}

export class Stats extends DurableObject<Settings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Settings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS counters (
      day TEXT NOT NULL, variant TEXT NOT NULL,
      visitors INTEGER NOT NULL DEFAULT 0, impressions INTEGER NOT NULL DEFAULT 0, clicks INTEGER NOT NULL DEFAULT 0,
      conversions INTEGER NOT NULL DEFAULT 0, revenue REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (day, variant))`);
  }

  async add(day: string, deltas: StatDelta[]): Promise<void> {
    for (const d of deltas) {
      this.sql.exec(
        `INSERT INTO counters (day, variant, visitors, impressions, clicks, conversions, revenue) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (day, variant) DO UPDATE SET visitors = visitors + excluded.visitors, impressions = impressions + excluded.impressions,
           clicks = clicks + excluded.clicks, conversions = conversions + excluded.conversions, revenue = revenue + excluded.revenue`,
        day, d.variant, d.visitors, d.impressions, d.clicks, d.conversions, d.revenue,
      );
    }
  }

  /** Totals per variant since `fromDay` (inclusive, "2026-11-01"). */
  async totals(fromDay: string): Promise<VariantStats[]> {
    return this.sql
      .exec<{ variant: string; visitors: number; impressions: number; clicks: number; conversions: number; revenue: number }>(
        `SELECT variant, SUM(visitors) AS visitors, SUM(impressions) AS impressions, SUM(clicks) AS clicks,
           SUM(conversions) AS conversions, SUM(revenue) AS revenue FROM counters WHERE day >= ? GROUP BY variant ORDER BY variant`,
        fromDay,
      )
      .toArray();
  }
}
