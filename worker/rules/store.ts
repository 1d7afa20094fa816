/**
 * The rules document as the worker uses it: read from KV key `rules`, validated and compiled
 * once per distinct text, kept in the isolate for RULES_REFRESH_MS, and never replaced by a
 * broken value — the last good version keeps serving (or no rules at all, so pages show their
 * default content).
 */
import { compileRules, type CompiledRules } from "../core/segments";
import { validateRulesText } from "./validate";
import { knownRules, type RecentRules } from "../core/known-rules";
import { PRIOR_MODEL, usable, type IntentModel } from "../core/intent/model";

export const RULES_KEY = "rules";
/** Rules that served in the last 30 days (core/known-rules.ts), written by every save. */
export const RECENT_RULES_KEY = "rules:recent";
/** A draft in shadow mode (admin/shadow.ts): evaluated on live traffic, never rendered. */
export const SHADOW_KEY = "rules:shadow";
/** The shop's fitted purchase-intent model (intent/fit-job.ts); absent, the priors score. */
export const INTENT_MODEL_KEY = "intent:model";
const DEFAULT_REFRESH_MS = 5_000;

interface Cached {
  text: string | null;
  recent: string | null;
  shadowText: string | null;
  modelText: string | null;
  rules: CompiledRules;
  checkedAt: number;
}

const EMPTY = compileRules({ segments: {}, slots: {} }, "none");
let cached: Cached | undefined;

export interface RulesSource {
  RULES: KVNamespace;
  RULES_REFRESH_MS?: string;
}

/**
 * The current compiled rules. Each request that finds the copy stale reads KV itself: an
 * in-flight read shared between requests would resume the others in the first request's
 * context, and workerd refuses their next I/O ("on behalf of a different request").
 */
export function currentRules(env: RulesSource, now = Date.now()): Promise<CompiledRules> {
  const fresh = freshRules(env, now);
  return fresh ? Promise.resolve(fresh) : refresh(env.RULES, now);
}

/** The isolate's copy if it is fresh — no I/O, so nothing to wait for (or to time-box). */
export function freshRules(env: RulesSource, now = Date.now()): CompiledRules | undefined {
  const refreshMs = env.RULES_REFRESH_MS === undefined ? DEFAULT_REFRESH_MS : Number(env.RULES_REFRESH_MS);
  // A clock that went backwards (or a test's controlled one) must not make a copy fresh forever.
  const age = cached ? now - cached.checkedAt : -1;
  return cached && age >= 0 && age < refreshMs ? cached.rules : undefined;
}

async function refresh(kv: KVNamespace, now: number): Promise<CompiledRules> {
  const [text, recent, shadowText, modelText] = await Promise.all([kv.get(RULES_KEY), kv.get(RECENT_RULES_KEY), kv.get(SHADOW_KEY), kv.get(INTENT_MODEL_KEY)]);
  if (cached && cached.text === text && cached.recent === recent && cached.shadowText === shadowText && cached.modelText === modelText) {
    cached.checkedAt = now;
    return cached.rules;
  }
  const previous = cached?.rules ?? EMPTY;
  const intent = parseModel(modelText);
  const shadowRules = await compileShadow(shadowText);
  const shadow = shadowRules ? { shadow: { ...shadowRules, intent } } : {};
  const keep = { text, recent, shadowText, modelText, checkedAt: now };
  if (text === null) {
    const rules = { ...EMPTY, intent, ...shadow };
    cached = { ...keep, rules };
    return rules;
  }
  const result = validateRulesText(text);
  if (!result.ok) {
    console.warn(`rujai: KV "rules" is invalid, serving version ${previous.version}`, result.errors.slice(0, 5));
    cached = { ...keep, rules: previous };
    return previous;
  }
  const compiled = compileRules(result.document, await versionOf(text));
  const rules: CompiledRules = { ...compiled, known: knownRules(result.document, parseRecent(recent), now), intent, ...shadow };
  cached = { ...keep, rules };
  return rules;
}

/** The fitted model in KV if it fits this code's features; else the priors. */
function parseModel(text: string | null): IntentModel {
  if (text === null) return PRIOR_MODEL;
  try {
    const model = JSON.parse(text) as IntentModel;
    return usable(model) ? model : PRIOR_MODEL;
  } catch {
    return PRIOR_MODEL;
  }
}

/** The shadow draft, compiled; none when absent or (never saved so, but KV is KV) invalid. */
async function compileShadow(text: string | null): Promise<CompiledRules | undefined> {
  if (text === null) return undefined;
  const result = validateRulesText(text);
  return result.ok ? compileRules(result.document, await versionOf(text)) : undefined;
}

export function parseRecent(text: string | null): RecentRules {
  try {
    const value: unknown = text === null ? {} : JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as RecentRules) : {};
  } catch {
    return {};
  }
}

/** Drops this isolate's copy, so the next request reads KV (after an admin save). */
export function forgetRules(): void {
  cached = undefined;
}

/** A short content hash: equal texts give equal versions in every isolate. */
export async function versionOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
