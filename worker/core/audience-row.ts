/**
 * What the audience index keeps of one visitor, and when it must be written: the row (public
 * segments with entry times, scores with the intent factors, identified user id, the traits
 * the rules document allows out) and its fingerprint — the row with its scores in bands
 * (intent to 0.05, last seen to the day). The Profile object sends a write only when the
 * fingerprint changes, so an ordinary event costs the index nothing. Pure.
 */
import type { Factor, Scores } from "./scores";
import type { TraitValue } from "./template";

export interface AudienceRow {
  userId: string | null;
  segments: Array<{ name: string; since: number }>;
  intent: number;
  intentFactors: Factor[];
  engagement: number;
  rfm: string | null;
  orders: number;
  value: number;
  topCategory: string | null;
  /** The last activity, to the day (epoch ms of 00:00 UTC). */
  lastSeen: number | null;
  traits: Record<string, TraitValue>;
}

/** A queue message: a visitor's row at `version`, or their erasure. */
export type AudienceMessage = { visitorId: string; version: number; row: AudienceRow } | { visitorId: string; version: number; erased: true };

export interface RowInput {
  userId: string | null;
  membership: ReadonlyMap<string, number>;
  scores: Scores;
  topCategory: string | undefined;
  lastActivity: number | null;
  traits: Readonly<Record<string, unknown>>;
  allowedTraits: readonly string[];
}

const DAY = 86_400_000;

export function audienceRow(input: RowInput): AudienceRow {
  const traits: Record<string, TraitValue> = {};
  for (const name of input.allowedTraits) {
    const value = input.traits[name];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") traits[name] = value;
  }
  return {
    userId: input.userId,
    // Anonymous rule segments (@slot/rule) are internals, not audiences.
    segments: [...input.membership].filter(([name]) => !name.startsWith("@")).map(([name, since]) => ({ name, since })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    intent: Math.round(input.scores.intent.score * 1000) / 1000,
    intentFactors: input.scores.intent.factors,
    engagement: input.scores.engagement.level,
    rfm: input.scores.rfm.group,
    orders: input.scores.rfm.orders,
    value: Math.round(input.scores.rfm.value * 100) / 100,
    topCategory: input.topCategory ?? null,
    lastSeen: input.lastActivity === null ? null : Math.floor(input.lastActivity / DAY) * DAY,
    traits,
  };
}

/** Equal fingerprints: nothing a marketer queries by has changed enough to write. */
export function fingerprint(row: AudienceRow): string {
  const { intentFactors: _factors, intent, ...rest } = row;
  return JSON.stringify({ ...rest, intent: Math.floor(intent * 20) });
}

/** A version above every earlier one of this visitor, even after an erase forgot them. */
export function nextVersion(previous: number, now: number): number {
  return Math.max(previous + 1, now * 1000);
}
