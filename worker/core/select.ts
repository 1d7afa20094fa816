/**
 * Picks what each slot shows: the highest-priority rule whose segment holds, then the
 * visitor's sticky holdout and variant for that rule. Pure.
 */
import type { CompiledRules } from "./segments";
import { bucket } from "./hash";
import { renderTemplate, type Template, type TemplateVars } from "./template";

export interface SlotDecision {
  slot: string;
  rule: string;
  /** The variant id, or "holdout" when the visitor keeps the default content. */
  variant: string;
  /** Content to put in the slot (rendered from `template`); null keeps the page's default. */
  template: Template | null;
}

export const HOLDOUT = "holdout";

/** A decided slot's HTML, or null to keep the page's default content. May throw. */
export function renderSlot(decision: SlotDecision, vars: TemplateVars): string | null {
  return decision.template ? renderTemplate(decision.template, vars) : null;
}

export function selectSlots(
  rules: CompiledRules,
  held: ReadonlySet<string>,
  visitorId: string,
  only?: readonly string[],
): Map<string, SlotDecision> {
  const decisions = new Map<string, SlotDecision>();
  for (const [slot, candidates] of rules.slots) {
    if (only && !only.includes(slot)) continue;
    const winner = candidates.find((c) => held.has(c.segment));
    if (!winner) continue;
    const { rule } = winner;
    if (rule.holdout && bucket(visitorId, `${rule.id}:holdout`) < rule.holdout) {
      decisions.set(slot, { slot, rule: rule.id, variant: HOLDOUT, template: null });
      continue;
    }
    if (rule.variants) {
      const total = rule.variants.reduce((sum, v) => sum + (v.weight ?? 1), 0);
      let point = bucket(visitorId, `${rule.id}:variant`) * total;
      const variant = rule.variants.find((v) => (point -= v.weight ?? 1) < 0) ?? rule.variants.at(-1)!;
      decisions.set(slot, { slot, rule: rule.id, variant: variant.id, template: winner.templates.get(variant.id)! });
    } else {
      decisions.set(slot, { slot, rule: rule.id, variant: "default", template: winner.templates.get("default")! });
    }
  }
  return decisions;
}
