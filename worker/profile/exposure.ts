/**
 * What the edge tells a visitor's Profile object after serving a page (Profile.expose), and
 * the shadow draft's counting for that page: the keys of core/shadow.ts, each visitor counted
 * once per key in the `shadow_seen` table (kept for the current draft only).
 */
import { shadowKeys, type Shown, type ShadowRow } from "../core/shadow";
import type { CompiledRules } from "../core/segments";
import type { ProfileView, VisitContext } from "../core/profile";

export interface ExposureInput {
  /** Unique per page request: the exposure events' ids derive from it. */
  id: string;
  at: number;
  /** The arm each slot on the page showed (holdout included); empty when none was decided. */
  exposures: Shown[];
  /** With a draft in shadow mode: its version, the slots on the page and the visit. */
  shadow?: { version: string; slots: string[]; context: VisitContext };
}

/** Readies `shadow_seen` for `version`, forgetting other drafts' keys: once per draft per object. */
export function startShadowDraft(sql: SqlStorage, version: string): void {
  sql.exec("CREATE TABLE IF NOT EXISTS shadow_seen (draft TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (draft, key))");
  sql.exec("DELETE FROM shadow_seen WHERE draft != ?", version);
}

/** The rows this page adds for `draft` (its table readied by startShadowDraft), or null when the draft in force is another. */
export function shadowRows(sql: SqlStorage, draft: CompiledRules, profile: ProfileView, input: ExposureInput, visitorId: string): ShadowRow[] | null {
  const shadow = input.shadow;
  if (!shadow || shadow.version !== draft.version) return null;
  const keys = shadowKeys(draft, profile, input.at, shadow.context, visitorId, shadow.slots, input.exposures);
  return keys.map((key) => {
    const first = sql.exec("INSERT OR IGNORE INTO shadow_seen (draft, key) VALUES (?, ?)", draft.version, key).rowsWritten > 0;
    return { key, visitors: first ? 1 : 0, impressions: 1 };
  });
}
