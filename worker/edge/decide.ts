/**
 * What a visitor sees: the segments that hold (from the Profile Durable Object, or at the
 * edge for a visitor with no history) and the winning rule of each slot. Shared by page
 * requests and GET /rujai/decide.
 */
import type { PageView, Profile } from "../profile/profile";
import { isLanding, readSnapshot, snapshotCookie, type Snapshot } from "../http/snapshot";
import { cookieSecrets } from "../http/signing";
import { EMPTY_PROFILE } from "../core/profile";
import { evaluateSegments, type CompiledRules } from "../core/segments";
import { selectSlots, type SlotDecision } from "../core/select";
import type { TemplateVars } from "../core/template";
import { currentRules, freshRules } from "../rules/store";
import { timeBox } from "../http/time-box";
import { visitContext } from "../http/context";
import type { Visitor } from "../http/visitor";
import type { Settings } from "../settings";

export interface Decision {
  segments: string[];
  slots: Map<string, SlotDecision>;
  /** Values for the slot templates (traits, top category); empty at the edge. */
  vars: TemplateVars;
  /** Where the segments came from: the signed snapshot cookie, the profile, or the edge alone. */
  source: "snapshot" | "profile" | "edge";
  /** A fresh snapshot cookie to hand back when the profile had to be asked. */
  snapshotCookie?: string;
  /** A slot shows a rule with a frequency cap: the snapshot must not outlive this exposure. */
  capped?: boolean;
  /** The rules with a frequency cap (every exposure of theirs is recorded). */
  cappedRules?: ReadonlySet<string>;
  /** The version of a draft in shadow mode, when one is running. */
  shadowVersion?: string;
}

/**
 * A snapshot's decision under the rules it was made with. A browser sends the same snapshot
 * on every page until its next batch, and a verified snapshot is one object per cookie text
 * (http/snapshot.ts), so its slots are chosen once, not per page. Weak: it goes with the
 * snapshot. Decisions are only read after they are made.
 */
const snapshotDecisions = new WeakMap<Snapshot, { rules: CompiledRules; decision: Decision }>();

/** The snapshot of what a profile answered. */
export function snapshotOf(visitorId: string, view: PageView): Snapshot {
  return { v: visitorId, r: view.rulesVersion, u: view.validUntil, s: view.segments, t: view.vars };
}

/**
 * Object ids by visitor, per namespace: `idFromName` hashes the name on every call, and a
 * visitor's pages come in runs. Ids are plain values (a stub is not, so each request makes
 * its own). Bounded.
 */
const idsByNamespace = new WeakMap<object, Map<string, DurableObjectId>>();
const MAX_IDS = 1_000;

export function profileOf(env: Settings, visitorId: string): DurableObjectStub<Profile> {
  // wrangler types cannot see the class behind the binding; this is it.
  const ns = env.PROFILE as unknown as DurableObjectNamespace<Profile>;
  let ids = idsByNamespace.get(ns);
  if (!ids) idsByNamespace.set(ns, (ids = new Map()));
  let id = ids.get(visitorId);
  if (!id) {
    if (ids.size >= MAX_IDS) ids.clear();
    ids.set(visitorId, (id = ns.idFromName(visitorId)));
  }
  return ns.get(id);
}

export async function decide(
  env: Settings,
  request: Request,
  visitor: Visitor,
  now: number,
  only?: readonly string[],
): Promise<Decision> {
  return (await decideWith(env, await currentRules(env, now), request, visitor, now, only))!;
}

/**
 * A page's decision within `budgetMs`, or undefined (the page keeps its defaults). Only what
 * can hang is raced against a timer — a KV read of the rules, the Profile object's answer —
 * so the common page (rules in the isolate, a snapshot cookie or a new visitor) sets none.
 */
export async function decideInTime(env: Settings, request: Request, visitor: Visitor, now: number, budgetMs: number): Promise<Decision | undefined> {
  const rules = freshRules(env, now);
  if (!rules) return timeBox(decide(env, request, visitor, now), budgetMs);
  try {
    return await decideWith(env, rules, request, visitor, now, undefined, budgetMs);
  } catch (error) {
    console.warn("rujai: personalization skipped:", error);
    return undefined;
  }
}

/** The decision under `rules`; with `budgetMs`, undefined when the profile answers too late. */
async function decideWith(
  env: Settings,
  rules: CompiledRules,
  request: Request,
  visitor: Visitor,
  now: number,
  only?: readonly string[],
  budgetMs?: number,
): Promise<Decision | undefined> {
  const shadow = rules.shadow ? { shadowVersion: rules.shadow.version } : {};
  if (visitor.isBot) return { segments: [], slots: new Map(), vars: {}, source: "edge" };
  if (rules.slots.size === 0 && !only) return { segments: [], slots: new Map(), vars: {}, source: "edge", ...shadow };
  const needsProfile = rules.usesHistory && !visitor.isNew && visitor.mayStore;
  let segments: string[];
  let vars: TemplateVars = {};
  let source: Decision["source"] = "edge";
  let cookie: string | undefined;
  const secrets = cookieSecrets(env);
  const secret = secrets[0];
  const snapshot = needsProfile && secret && !isLanding(request) ? await readSnapshot(request, secrets, visitor.id, rules.version, now) : null;
  if (snapshot) {
    const known = only ? undefined : snapshotDecisions.get(snapshot);
    if (known?.rules === rules) return known.decision;
    ({ s: segments, t: vars } = snapshot);
    source = "snapshot";
  } else if (needsProfile) {
    const asked = profileOf(env, visitor.id).pageView(visitContext(request, rules, env.DEFAULT_TIMEZONE), now);
    const view = budgetMs === undefined ? await asked : await timeBox(asked, budgetMs);
    if (!view) return undefined;
    ({ segments, vars } = view);
    source = "profile";
    if (secret) cookie = (await snapshotCookie(secret, snapshotOf(visitor.id, view), now)) ?? undefined;
  } else {
    segments = [...evaluateSegments(rules, EMPTY_PROFILE, now, visitContext(request, rules, env.DEFAULT_TIMEZONE)).held];
  }
  const held = new Set(segments);
  const slots = selectSlots(rules, held, visitor.id, only);
  let capped = false;
  for (const d of slots.values()) capped ||= rules.capped.has(d.rule);
  const decision: Decision = {
    segments: segments.filter((name) => !name.startsWith("@")),
    slots,
    vars,
    source,
    ...(cookie ? { snapshotCookie: cookie } : {}),
    ...(capped ? { capped, cappedRules: rules.capped } : {}),
    ...shadow,
  };
  if (snapshot && !only) snapshotDecisions.set(snapshot, { rules, decision });
  return decision;
}
