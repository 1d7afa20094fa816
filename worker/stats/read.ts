/**
 * Reads results: asks every Stats shard at once and sums their rows per rule, day and arm.
 * Admin-only (the stats API and the Messages tab); never on a visitor's request.
 */
import { addCounts, NO_COUNTS } from "../core/arms";
import { shardCount, statsShard, type ArmDayRow } from "./stats";
import type { ShadowRow } from "../core/shadow";
import type { Settings } from "../settings";

export async function readArmDays(env: Settings, fromDay: string, rules?: string[]): Promise<ArmDayRow[]> {
  const shards = await Promise.all(Array.from({ length: shardCount(env) }, (_, n) => statsShard(env, n).days(fromDay, rules)));
  const summed = new Map<string, ArmDayRow>();
  for (const rows of shards) {
    for (const r of rows) {
      const key = `${r.rule}\u0000${r.day}\u0000${r.variant}`;
      let total = summed.get(key);
      if (!total) summed.set(key, (total = { rule: r.rule, day: r.day, variant: r.variant, ...NO_COUNTS }));
      addCounts(total, r);
    }
  }
  return [...summed.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : a.variant < b.variant ? -1 : 1));
}

export async function readShadow(env: Settings, draft: string): Promise<ShadowRow[]> {
  const shards = await Promise.all(Array.from({ length: shardCount(env) }, (_, n) => statsShard(env, n).shadow(draft)));
  const summed = new Map<string, ShadowRow>();
  for (const r of shards.flat()) {
    const total = summed.get(r.key) ?? { key: r.key, visitors: 0, impressions: 0 };
    total.visitors += r.visitors;
    total.impressions += r.impressions;
    summed.set(r.key, total);
  }
  return [...summed.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}
