/**
 * Stats Durable Objects: the results of every rule and trigger, in `STATS_SHARDS` objects
 * ("shard:0" …). A visitor's counts always go to the shard their id hashes to, so writes
 * spread evenly over the shards and no rule — however hot — funnels through one object; a
 * read asks every shard and sums (stats/read.ts). Each shard keeps daily counters per rule
 * and arm in SQLite, and the counts a draft in shadow mode would have had.
 */
import { DurableObject } from "cloudflare:workers";
import type { ArmCounts, ArmDelta } from "../core/arms";
import { bucket } from "../core/hash";
import type { ShadowRow } from "../core/shadow";
import type { Settings } from "../settings";

const DEFAULT_SHARDS = 16;
const MAX_SHARDS = 256;

/** How many shards the counts are spread over. Raise it as traffic grows; never lower it (reads would miss counts). */
export function shardCount(env: Settings): number {
  const n = Number(env.STATS_SHARDS ?? DEFAULT_SHARDS);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_SHARDS) : DEFAULT_SHARDS;
}

export function statsShard(env: Settings, shard: number): DurableObjectStub<Stats> {
  // wrangler types cannot see the class behind the binding; this is it.
  const ns = env.STATS as unknown as DurableObjectNamespace<Stats>;
  return ns.get(ns.idFromName(`shard:${shard}`));
}

/** The shard a visitor's counts go to. */
export function shardOf(env: Settings, visitorId: string): DurableObjectStub<Stats> {
  return statsShard(env, Math.floor(bucket(visitorId, "stats") * shardCount(env)));
}

export interface ArmDayRow extends ArmCounts {
  rule: string;
  day: string;
  variant: string;
}


const COUNT_COLUMNS = ["visitors", "impressions", "clicks", "conversions", "converters", "revenue", "revenue_squares"] as const;

export class Stats extends DurableObject<Settings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Settings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS arm_days (
      rule TEXT NOT NULL, day TEXT NOT NULL, variant TEXT NOT NULL,
      visitors INTEGER NOT NULL DEFAULT 0, impressions INTEGER NOT NULL DEFAULT 0, clicks INTEGER NOT NULL DEFAULT 0,
      conversions INTEGER NOT NULL DEFAULT 0, converters INTEGER NOT NULL DEFAULT 0,
      revenue REAL NOT NULL DEFAULT 0, revenue_squares REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (rule, day, variant));
    CREATE TABLE IF NOT EXISTS shadow (draft TEXT NOT NULL, key TEXT NOT NULL,
      visitors INTEGER NOT NULL DEFAULT 0, impressions INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (draft, key));`);
  }

  /** Adds one visitor batch's counts, all or nothing. */
  async add(deltas: ArmDelta[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const d of deltas) {
        this.sql.exec(
          `INSERT INTO arm_days (rule, day, variant, ${COUNT_COLUMNS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (rule, day, variant) DO UPDATE SET ${COUNT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`,
          d.rule, d.day, d.variant, d.visitors, d.impressions, d.clicks, d.conversions, d.converters, d.revenue, d.revenueSquares,
        );
      }
    });
  }

  /** Daily rows since `fromDay` (inclusive), for the named rules or all. */
  async days(fromDay: string, rules?: string[]): Promise<ArmDayRow[]> {
    const rows = this.sql
      .exec<{ rule: string; day: string; variant: string; visitors: number; impressions: number; clicks: number; conversions: number; converters: number; revenue: number; revenue_squares: number }>(
        `SELECT rule, day, variant, ${COUNT_COLUMNS.join(", ")} FROM arm_days WHERE day >= ? ORDER BY rule, day, variant`,
        fromDay,
      )
      .toArray();
    const wanted = rules ? new Set(rules) : null;
    return rows
      .filter((r) => !wanted || wanted.has(r.rule))
      .map(({ revenue_squares, ...r }) => ({ ...r, revenueSquares: revenue_squares }));
  }

  /** Adds what a draft in shadow mode would have done for one visitor's page. */
  async addShadow(draft: string, rows: ShadowRow[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        this.sql.exec(
          `INSERT INTO shadow (draft, key, visitors, impressions) VALUES (?, ?, ?, ?)
           ON CONFLICT (draft, key) DO UPDATE SET visitors = visitors + excluded.visitors, impressions = impressions + excluded.impressions`,
          draft, r.key, r.visitors, r.impressions,
        );
      }
    });
  }

  async shadow(draft: string): Promise<ShadowRow[]> {
    return this.sql.exec<{ key: string; visitors: number; impressions: number }>("SELECT key, visitors, impressions FROM shadow WHERE draft = ? ORDER BY key", draft).toArray();
  }
}
