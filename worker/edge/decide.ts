/**
 * What a visitor sees: the segments that hold (from the Profile Durable Object, or at the
 * edge for a visitor with no history) and the winning rule of each slot. Shared by page
 * requests and GET /rujai/decide.
 */
import type { Profile } from "../profile/profile";
import { EMPTY_PROFILE } from "../core/profile";
import { evaluateSegments } from "../core/segments";
import { selectSlots, type SlotDecision } from "../core/select";
import { renderTemplate, type TemplateVars } from "../core/template";
import { currentRules } from "../rules/store";
import { visitContext } from "../http/context";
import type { Visitor } from "../http/visitor";
import type { Settings } from "../settings";

export interface Decision {
  segments: string[];
  slots: Map<string, SlotDecision>;
  /** Values for the slot templates (traits, top category); empty at the edge. */
  vars: TemplateVars;
}

/** A decided slot's HTML, or null to keep the page's default content. May throw. */
export function renderSlot(decision: SlotDecision, vars: TemplateVars): string | null {
  return decision.template ? renderTemplate(decision.template, vars) : null;
}

export function profileOf(env: Settings, visitorId: string): DurableObjectStub<Profile> {
  // wrangler types cannot see the class behind the binding; this is it.
  const ns = env.PROFILE as unknown as DurableObjectNamespace<Profile>;
  return ns.get(ns.idFromName(visitorId));
}

export async function decide(
  env: Settings,
  request: Request,
  visitor: Visitor,
  now: number,
  only?: readonly string[],
): Promise<Decision> {
  const rules = await currentRules(env, now);
  if ((rules.slots.size === 0 && !only) || visitor.isBot) return { segments: [], slots: new Map(), vars: {} };
  const context = visitContext(request, rules, env.DEFAULT_TIMEZONE);
  const askProfile = rules.usesHistory && !visitor.isNew && visitor.mayStore;
  const view = askProfile
    ? await profileOf(env, visitor.id).pageView(context, now)
    : { segments: [...evaluateSegments(rules, EMPTY_PROFILE, now, context).held], vars: {} };
  const held = new Set(view.segments);
  return {
    segments: view.segments.filter((name) => !name.startsWith("@")),
    slots: selectSlots(rules, held, visitor.id, only),
    vars: view.vars,
  };
}
