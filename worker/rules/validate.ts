/**
 * Validates a rules document: the schema first, then what a schema cannot say (segment
 * references that exist and do not loop, known timezones, unique rule ids). Every error has
 * the JSON path of the problem and a plain message, for the admin API, the CLI and the logs.
 */
import type { z } from "zod";
import { CONDITION_KEYS, RulesDocument, type Condition } from "./schema";
import { isTimezone } from "../core/clock";
import { MAX_JSON_DEPTH, tooDeep } from "../core/json-depth";
import { KNOWN_MESSAGE_PLACEHOLDERS, KNOWN_PLACEHOLDERS, unclosedPlaceholder, unknownPlaceholders } from "../core/template";

export interface RuleError {
  /** JSON path, e.g. "$.segments.hesitant.when.all[0].count.within". */
  path: string;
  message: string;
}

export type Validation = { ok: true; document: RulesDocument } | { ok: false; errors: RuleError[] };

export function validateRulesText(text: string): Validation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: "$", message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validateRules(value);
}

export function validateRules(value: unknown): Validation {
  // Checked first: the schema walks conditions recursively, and 5,000 nested `not`s would
  // overflow its stack.
  const deep = tooDeep(value);
  if (deep) return { ok: false, errors: [{ path: deep, message: `nested more than ${MAX_JSON_DEPTH} levels deep` }] };
  const parsed = RulesDocument.safeParse(value);
  if (!parsed.success) {
    // Schema errors and the reference errors that can be seen anyway, in one pass.
    const errors = parsed.error.issues.flatMap((i) => explain(i, [], value));
    const seen = new Set(errors.map((e) => e.path));
    return { ok: false, errors: [...errors, ...rawReferenceErrors(value).filter((e) => !seen.has(e.path))] };
  }
  const errors = semanticErrors(parsed.data);
  return errors.length ? { ok: false, errors } : { ok: true, document: parsed.data };
}

/** The value at `path` in the raw input (for suggestions). */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

/** "did you mean …?" for a value of the wrong type that is clearly a number. */
function numberHint(key: PropertyKey | undefined, given: unknown): string {
  if (typeof given !== "string") return "";
  const word = NUMBER_WORDS.indexOf(given.trim().toLowerCase());
  const n = word >= 0 ? word : given.trim() !== "" && Number.isFinite(Number(given)) ? Number(given) : null;
  return n === null ? "" : `; did you mean ${typeof key === "string" ? `"${key}": ` : ""}${n}?`;
}

/** The closest of `candidates` to `name` (at most two edits away), for "did you mean". */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

const unknownSegment = (name: string, names: ReadonlySet<string>) => {
  const hint = closest(name, names);
  return `unknown segment "${name}"${hint ? `; did you mean "${hint}"?` : ""}`;
};

/** References to segments that do not exist, found in a document the schema refused. */
function rawReferenceErrors(value: unknown): RuleError[] {
  const segments = at(value, ["segments"]);
  if (!segments || typeof segments !== "object" || Array.isArray(segments)) return [];
  const names = new Set(Object.keys(segments));
  const errors: RuleError[] = [];
  const walk = (v: unknown, path: PropertyKey[]): void => {
    if (!v || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach((child, i) => walk(child, [...path, i]));
    for (const [key, child] of Object.entries(v)) {
      if (key === "segment" && typeof child === "string" && !names.has(child)) errors.push({ path: jsonPath([...path, key]), message: unknownSegment(child, names) });
      else walk(child, [...path, key]);
    }
  };
  for (const [name, s] of Object.entries(segments)) walk((s as { when?: unknown })?.when, ["segments", name, "when"]);
  const slots = at(value, ["slots"]);
  if (slots && typeof slots === "object") {
    for (const [slot, rules] of Object.entries(slots)) {
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule: unknown, i) => {
        const show = at(rule, ["show"]);
        if (typeof show === "string" && !names.has(show)) errors.push({ path: jsonPath(["slots", slot, i, "show"]), message: unknownSegment(show, names) });
        else walk(show, ["slots", slot, i, "show"]);
      });
    }
  }
  return errors;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    const text = String(key);
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text) ? `${out}.${text}` : `${out}[${JSON.stringify(text)}]`;
  }, "$");
}

type Issue = z.core.$ZodIssue;

/** Turns a zod issue into plain errors; a failed condition union names the forms it expects. */
function explain(issue: Issue, prefix: PropertyKey[], input: unknown): RuleError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    // The branch the writer meant is the one whose key matched: it neither calls a key
    // unknown nor misses its own key. Its errors are reported, at their deepest paths.
    const plausible = issue.errors.filter(
      (branch) =>
        branch.length > 0 &&
        !branch.some((i) => i.code === "unrecognized_keys" && i.path.length === 0) &&
        !branch.some((i) => i.code === "invalid_type" && i.path.length === 1 && at(input, [...path, ...i.path]) === undefined),
    );
    const meant = plausible.length === 1 ? plausible[0] : issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 1));
    if (meant) return meant.flatMap((i) => explain(i, path, input));
    return [{ path: jsonPath(path), message: unionMessage(issue) }];
  }
  if (issue.code === "invalid_type" && issue.expected === "number") {
    const given = at(input, path);
    return [{ path: jsonPath(path), message: `expected a number, got ${JSON.stringify(given)}${numberHint(path.at(-1), given)}` }];
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: jsonPath([...path, key]), message: `unknown field "${key}"` }));
  }
  return [{ path: jsonPath(path), message: issue.message }];
}

function unionMessage(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const looksLikeCondition = issue.errors.some((branch) =>
    branch.some((i) => (CONDITION_KEYS as readonly PropertyKey[]).includes(i.path[0] as PropertyKey)),
  );
  return looksLikeCondition
    ? `expected a condition with exactly one of: ${CONDITION_KEYS.join(", ")}`
    : "does not match any allowed form";
}

function semanticErrors(doc: RulesDocument): RuleError[] {
  const errors: RuleError[] = [];
  if (doc.timezone !== undefined && !isTimezone(doc.timezone)) {
    errors.push({ path: "$.timezone", message: `unknown timezone "${doc.timezone}" (use an IANA name like "Asia/Bangkok")` });
  }
  const names = new Set(Object.keys(doc.segments));
  const refsOf = new Map<string, string[]>();
  const checkRefs = (c: Condition, path: PropertyKey[], refs: string[]) => {
    forEachReference(c, path, (name, at) => {
      refs.push(name);
      if (!names.has(name)) errors.push({ path: jsonPath(at), message: unknownSegment(name, names) });
    });
  };
  for (const [name, segment] of Object.entries(doc.segments)) {
    const refs: string[] = [];
    checkRefs(segment.when, ["segments", name, "when"], refs);
    refsOf.set(name, refs);
  }
  for (const cycle of findCycles(refsOf)) {
    errors.push({ path: jsonPath(["segments", cycle[0]!, "when"]), message: `segments refer to each other in a loop: ${cycle.join(" → ")}` });
  }
  errors.push(...triggerErrors(doc, names, checkRefs));
  for (const [slot, rules] of Object.entries(doc.slots)) {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.id)) errors.push({ path: jsonPath(["slots", slot, i, "id"]), message: `rule id "${rule.id}" is used twice in slot "${slot}"` });
      seen.add(rule.id);
      const templates: Array<[string, PropertyKey[]]> = rule.variants
        ? rule.variants.map((v, j) => [v.html, ["slots", slot, i, "variants", j, "html"]])
        : [[rule.html ?? "", ["slots", slot, i, "html"]]];
      for (const [html, at] of templates) {
        const unclosed = unclosedPlaceholder(html);
        if (unclosed) errors.push({ path: jsonPath(at), message: `unclosed placeholder "${unclosed}": add }}` });
        for (const name of unknownPlaceholders(html)) {
          errors.push({ path: jsonPath(at), message: `unknown placeholder {{${name}}} (known: ${KNOWN_PLACEHOLDERS})` });
        }
      }
      if (typeof rule.show === "string") {
        if (!names.has(rule.show)) errors.push({ path: jsonPath(["slots", slot, i, "show"]), message: unknownSegment(rule.show, names) });
      } else {
        checkRefs(rule.show, ["slots", slot, i, "show"], []);
      }
    });
  }
  return errors;
}

/** Triggers name destinations and segments that exist, and placeholders messages can fill. */
function triggerErrors(doc: RulesDocument, names: ReadonlySet<string>, checkRefs: (c: Condition, path: PropertyKey[], refs: string[]) => void): RuleError[] {
  const errors: RuleError[] = [];
  const destinations = doc.destinations ?? {};
  const seen = new Set<string>();
  for (const [name, d] of Object.entries(destinations)) {
    if (d.type === "audience-sync" && !names.has(d.segment)) errors.push({ path: jsonPath(["destinations", name, "segment"]), message: `unknown segment "${d.segment}"` });
  }
  (doc.triggers ?? []).forEach((t, i) => {
    const at = (...rest: PropertyKey[]) => jsonPath(["triggers", i, ...rest]);
    if (seen.has(t.id)) errors.push({ path: at("id"), message: `trigger id "${t.id}" is used twice` });
    seen.add(t.id);
    const destination = destinations[t.to];
    if (!destination) errors.push({ path: at("to"), message: `unknown destination "${t.to}"` });
    else if (destination.type === "audience-sync") errors.push({ path: at("to"), message: `"${t.to}" syncs a segment on a schedule; triggers send to webhook or line destinations` });
    else if (destination.type === "line" && !t.message) errors.push({ path: at("message"), message: "a LINE destination sends a message: give message.text" });
    else if (destination.type === "webhook" && !t.payload) errors.push({ path: at("payload"), message: "a webhook destination posts a payload: give payload" });
    if ("enter" in t.on && !names.has(t.on.enter)) errors.push({ path: at("on", "enter"), message: `unknown segment "${t.on.enter}"` });
    if ("exit" in t.on && !names.has(t.on.exit)) errors.push({ path: at("on", "exit"), message: `unknown segment "${t.on.exit}"` });
    if (t.unless) checkRefs(t.unless, ["triggers", i, "unless"], []);
    const texts: Array<[string, PropertyKey[]]> = [];
    if (t.message) texts.push([t.message.text, ["message", "text"]]);
    for (const [key, value] of Object.entries(t.payload ?? {})) collectStrings(value, ["payload", key], texts);
    for (const [text, path] of texts) {
      const unclosed = unclosedPlaceholder(text);
      if (unclosed) errors.push({ path: at(...path), message: `unclosed placeholder "${unclosed}": add }}` });
      for (const name of unknownPlaceholders(text, true)) errors.push({ path: at(...path), message: `unknown placeholder {{${name}}} (known: ${KNOWN_MESSAGE_PLACEHOLDERS})` });
    }
  });
  return errors;
}

function collectStrings(value: unknown, path: PropertyKey[], out: Array<[string, PropertyKey[]]>): void {
  if (typeof value === "string") out.push([value, path]);
  else if (Array.isArray(value)) value.forEach((v, i) => collectStrings(v, [...path, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) collectStrings(v, [...path, k], out);
}

function forEachReference(c: Condition, path: PropertyKey[], visit: (name: string, path: PropertyKey[]) => void): void {
  if ("all" in c) c.all.forEach((child, i) => forEachReference(child, [...path, "all", i], visit));
  else if ("any" in c) c.any.forEach((child, i) => forEachReference(child, [...path, "any", i], visit));
  else if ("not" in c) forEachReference(c.not, [...path, "not"], visit);
  else if ("segment" in c) visit(c.segment, [...path, "segment"]);
}

/** Each loop of segment references once, as the names along it ending where it began. */
function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (name: string, stack: string[]) => {
    const at = stack.indexOf(name);
    if (at >= 0) {
      cycles.push([...stack.slice(at), name]);
      return;
    }
    if (done.has(name)) return;
    stack.push(name);
    for (const next of edges.get(name) ?? []) visit(next, stack);
    stack.pop();
    done.add(name);
  };
  for (const name of edges.keys()) visit(name, []);
  return cycles;
}
