/**
 * What each rule achieved: from a visitor's newly kept events, the counts to add to each
 * rule/variant's statistics — impressions, first exposures (visitors), clicks, and purchases
 * within 7 days after seeing the rule (conversions, revenue). The holdout records
 * impressions too (the SDK reports a held-out slot like any other), so uplift can be measured
 * against it. Pure.
 */
import type { ProfileView, StoredEvent } from "./profile";
import { firstAfter } from "./profile";

export const ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;

/** What is counted for a rule's variant (or its holdout). */
export interface Counts {
  /** Visitors exposed for the first time. */
  visitors: number;
  impressions: number;
  clicks: number;
  /** Purchases within 7 days after an exposure. */
  conversions: number;
  revenue: number;
}

export interface StatDelta extends Counts {
  rule: string;
  variant: string;
}

const keyOf = (rule: string, variant: string) => `${rule}\u0000${variant}`;

/** `profile` already holds `added`. */
export function statDeltas(profile: ProfileView, added: readonly StoredEvent[]): StatDelta[] {
  const deltas = new Map<string, StatDelta>();
  const delta = (rule: string, variant: string) => {
    const key = keyOf(rule, variant);
    let d = deltas.get(key);
    if (!d) deltas.set(key, (d = { rule, variant, visitors: 0, impressions: 0, clicks: 0, conversions: 0, revenue: 0 }));
    return d;
  };
  const impressions = profile.byType.get("impression") ?? [];
  const newIds = new Set(added.map((e) => e.id));
  for (const e of added) {
    const rule = e.props?.rule;
    const variant = e.props?.variant;
    if (e.type === "impression" && typeof rule === "string" && typeof variant === "string") {
      const d = delta(rule, variant);
      d.impressions++;
      // A first exposure: no impression of this rule and variant kept from before this batch.
      const seenBefore = impressions.some((i) => !newIds.has(i.id) && i.props?.rule === rule && i.props?.variant === variant);
      const firstInBatch = d.visitors === 0;
      if (!seenBefore && firstInBatch) d.visitors = 1;
    } else if (e.type === "click" && typeof rule === "string" && typeof variant === "string") {
      delta(rule, variant).clicks++;
    } else if (e.type === "purchase") {
      const value = Number(e.props?.value);
      for (const key of exposedBefore(impressions, e.ts)) {
        const [rule, variant] = key.split("\u0000") as [string, string];
        const d = delta(rule, variant);
        // A visitor converts at most once per window: a second purchase within 7 days of a
        // purchase already credited to this rule and variant adds revenue, not a conversion.
        if (!creditedWithin(profile, impressions, key, e)) d.conversions++;
        if (Number.isFinite(value)) d.revenue += value;
      }
    }
  }
  return [...deltas.values()];
}

/** The rule/variant keys with an impression in the 7 days up to `ts`. */
function exposedBefore(impressions: readonly StoredEvent[], ts: number): Set<string> {
  const exposed = new Set<string>();
  for (let i = firstAfter(impressions, ts - ATTRIBUTION_WINDOW_MS); i < impressions.length && impressions[i]!.ts <= ts; i++) {
    const p = impressions[i]!.props ?? {};
    if (typeof p.rule === "string" && typeof p.variant === "string") exposed.add(keyOf(p.rule, p.variant));
  }
  return exposed;
}

/** Whether an earlier purchase within the window before `purchase` was already credited to `key`. */
function creditedWithin(profile: ProfileView, impressions: readonly StoredEvent[], key: string, purchase: StoredEvent): boolean {
  const purchases = profile.byType.get("purchase") ?? [];
  for (let i = firstAfter(purchases, purchase.ts - ATTRIBUTION_WINDOW_MS - 1); i < purchases.length; i++) {
    const earlier = purchases[i]!;
    if (earlier.ts > purchase.ts || earlier === purchase) break;
    if (earlier.id !== purchase.id && exposedBefore(impressions, earlier.ts).has(key)) return true;
  }
  return false;
}

export interface VariantStats extends Counts {
  variant: string;
}

export interface Uplift {
  variant: string;
  /** Conversions per exposed visitor, variant vs holdout, as a relative change (0.25 = +25%). */
  relative: number | null;
  /** Two-proportion z score; |z| ≥ 1.96 is significant at 95%. */
  z: number | null;
  significant: boolean;
}

/** Each variant against the holdout: conversions per visitor, relative change and a z-test. */
export function upliftAgainstHoldout(variants: readonly VariantStats[]): Uplift[] {
  const holdout = variants.find((v) => v.variant === "holdout");
  return variants
    .filter((v) => v.variant !== "holdout")
    .map((v) => {
      if (!holdout || !holdout.visitors || !v.visitors) return { variant: v.variant, relative: null, z: null, significant: false };
      const p1 = Math.min(1, v.conversions / v.visitors);
      const p0 = Math.min(1, holdout.conversions / holdout.visitors);
      const pooled = Math.min(1, (v.conversions + holdout.conversions) / (v.visitors + holdout.visitors));
      const se = Math.sqrt(pooled * (1 - pooled) * (1 / v.visitors + 1 / holdout.visitors));
      const z = se > 0 ? (p1 - p0) / se : null;
      return { variant: v.variant, relative: p0 > 0 ? p1 / p0 - 1 : null, z: z === null ? null : Math.round(z * 100) / 100, significant: z !== null && Math.abs(z) >= 1.96 };
    });
}
