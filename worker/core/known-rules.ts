/**
 * Which rule and variant ids an `impression` or `click` may name: those of the serving rules,
 * and of rules that served in the last 30 days (a page rendered just before a save still
 * reports the rule it showed). Anything else is refused at ingest, so a client cannot invent
 * rules, inflate another's numbers, or create statistics objects at will. Pure.
 */
import type { RulesDocument } from "../rules/schema";

export const RECENT_RULES_MS = 30 * 86_400_000;

/** Rule id → the variant ids it reports ("holdout" included when it has one). */
export type KnownRules = ReadonlyMap<string, ReadonlySet<string>>;

/** Kept in KV beside the rules: rules that served recently, and until when they count. */
export type RecentRules = Record<string, { variants: string[]; until: number }>;

export function exposuresOf(document: RulesDocument): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  for (const rules of Object.values(document.slots)) {
    for (const rule of rules) {
      const variants = new Set(rule.variants ? rule.variants.map((v) => v.id) : ["default"]);
      if (rule.holdout) variants.add("holdout");
      known.set(rule.id, variants);
    }
  }
  return known;
}

/** The recent list after `document` started serving at `now`: its rules added, expired ones dropped. */
export function rememberRules(previous: RecentRules, document: RulesDocument, now: number): RecentRules {
  const next: RecentRules = {};
  for (const [id, entry] of Object.entries(previous)) if (entry.until > now) next[id] = entry;
  for (const [id, variants] of exposuresOf(document)) {
    next[id] = { variants: [...new Set([...(next[id]?.variants ?? []), ...variants])], until: now + RECENT_RULES_MS };
  }
  return next;
}

/** The serving rules' ids with the recent ones still in their 30 days. */
export function knownRules(document: RulesDocument, recent: RecentRules, now: number): KnownRules {
  const known = exposuresOf(document);
  for (const [id, entry] of Object.entries(recent)) {
    if (entry.until <= now) continue;
    const variants = known.get(id) ?? new Set<string>();
    for (const v of entry.variants) variants.add(v);
    known.set(id, variants);
  }
  return known;
}

/** Why an impression/click naming `rule`/`variant` is refused, or undefined when it may count. */
export function unknownExposure(known: KnownRules, rule: unknown, variant: unknown): string | undefined {
  if (typeof rule !== "string" || typeof variant !== "string") return "props.rule and props.variant must name the rule and variant shown";
  const variants = known.get(rule);
  if (!variants) return `props.rule "${rule.slice(0, 64)}" is not a current or recent rule`;
  if (!variants.has(variant)) return `props.variant "${variant.slice(0, 64)}" is not a variant of rule "${rule}"`;
  return undefined;
}
