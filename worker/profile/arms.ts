/**
 * The Profile object's arms, in its SQLite: for each variant (or holdout) of each rule and
 * trigger this visitor was shown, the cohort day, whether they converted and their revenue —
 * what core/arms.ts needs to count a visitor once per arm. This module only reads and writes rows.
 */
import { armKey, type ArmState } from "../core/arms";

/** Arms of rules gone from the rules (and their 30 recent days) are forgotten this long after the last exposure. */
const FORGET_AFTER_MS = 90 * 86_400_000;

export function createArmTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS arms (rule TEXT NOT NULL, variant TEXT NOT NULL, cohort TEXT NOT NULL,
    converted INTEGER NOT NULL, revenue REAL NOT NULL, last_exposed INTEGER NOT NULL, PRIMARY KEY (rule, variant))`);
}

export function loadArms(sql: SqlStorage): Map<string, ArmState> {
  const rows = sql.exec<{ rule: string; variant: string; cohort: string; converted: number; revenue: number; last_exposed: number }>(
    "SELECT rule, variant, cohort, converted, revenue, last_exposed FROM arms",
  );
  const arms = new Map<string, ArmState>();
  for (const r of rows) {
    arms.set(armKey(r.rule, r.variant), { rule: r.rule, variant: r.variant, cohort: r.cohort, converted: r.converted === 1, revenue: r.revenue, lastExposed: r.last_exposed });
  }
  return arms;
}

export function storeArms(sql: SqlStorage, arms: readonly ArmState[]): void {
  for (const a of arms) {
    sql.exec(
      "INSERT OR REPLACE INTO arms (rule, variant, cohort, converted, revenue, last_exposed) VALUES (?, ?, ?, ?, ?, ?)",
      a.rule, a.variant, a.cohort, a.converted ? 1 : 0, a.revenue, a.lastExposed,
    );
  }
}

/** Forgets arms of rules and triggers no longer served, once no goal window can be open. */
export function pruneArms(sql: SqlStorage, arms: Map<string, ArmState>, isCurrent: (rule: string) => boolean, now: number): void {
  for (const [key, a] of arms) {
    if (isCurrent(a.rule) || now - a.lastExposed < FORGET_AFTER_MS) continue;
    arms.delete(key);
    sql.exec("DELETE FROM arms WHERE rule = ? AND variant = ?", a.rule, a.variant);
  }
}
