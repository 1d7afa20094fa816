/**
 * Slot HTML templates: the marketer's HTML with placeholders such as `{{trait.first_name}}`,
 * `{{top.category}}` or `{{trait.tier | member}}` (a fallback after the bar). The HTML itself
 * is trusted (it comes from the admin); every placeholder value is HTML-escaped, so a
 * visitor's own data can never inject markup. Pure.
 */
import type { JsonValue } from "../../sdk/src/wire";

/** Trait values are scalars (identify accepts nothing else). */
export type TraitValue = string | number | boolean | null;

export interface TemplateVars {
  traits?: Readonly<Record<string, TraitValue>>;
  top?: { category?: string };
  /** Engagement level 1–5, intent as a percentage ("62%"), RFM group. */
  engagement?: number;
  intent?: string;
  rfm?: string | null;
  /** The props of the event a trigger fired on (`{{event.transaction_id}}`); messages only. */
  event?: Readonly<Record<string, JsonValue>>;
}

type Part = string | { path: string; fallback: string };
export interface Template {
  readonly parts: readonly Part[];
}

const PLACEHOLDER = /\{\{\s*([^}|]*?)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
const KNOWN = /^(trait\.[a-z_][a-z0-9_]{0,63}|top\.category|engagement|intent|rfm)$/;
const EVENT_PROP = /^event\.[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const KNOWN_PLACEHOLDERS = "trait.<name>, top.category, engagement, intent, rfm";
export const KNOWN_MESSAGE_PLACEHOLDERS = `${KNOWN_PLACEHOLDERS}, event.<prop>`;

export function compileTemplate(html: string): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const m of html.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(html.slice(last, m.index));
    parts.push({ path: m[1]!, fallback: m[2] ?? "" });
    last = m.index + m[0].length;
  }
  if (last < html.length) parts.push(html.slice(last));
  return { parts };
}

/**
 * Placeholders a template names that no profile can fill (a validation error). Messages may
 * also name the triggering event's props (`{{event.transaction_id}}`).
 */
export function unknownPlaceholders(text: string, inMessage = false): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((path) => !KNOWN.test(path) && !(inMessage && EVENT_PROP.test(path)));
}

/** The start of the first "{{" that no "}}" closes (a typo that would show as text), if any. */
export function unclosedPlaceholder(text: string): string | undefined {
  const open = text.replace(PLACEHOLDER, "").indexOf("{{");
  return open < 0 ? undefined : text.replace(PLACEHOLDER, "").slice(open, open + 24);
}

/** Slot HTML: every value HTML-escaped. */
export function renderTemplate(template: Template, vars: TemplateVars): string {
  return render(template, vars, escapeHtml);
}

/**
 * Plain text (a LINE message, a string inside a webhook payload): values as they are. A
 * payload string is serialized by JSON.stringify afterwards, which escapes it for JSON; an
 * HTML escaper here would be a bug (a name with "&" would arrive as "&#38;").
 */
export function renderText(template: Template, vars: TemplateVars): string {
  return render(template, vars, (s) => s);
}

function render(template: Template, vars: TemplateVars, escape: (s: string) => string): string {
  let out = "";
  for (const part of template.parts) {
    if (typeof part === "string") out += part;
    else out += escape(lookup(part.path, vars) ?? part.fallback);
  }
  return out;
}

function lookup(path: string, vars: TemplateVars): string | undefined {
  const value = path.startsWith("trait.")
    ? vars.traits?.[path.slice(6)]
    : path === "top.category"
      ? vars.top?.category
      : path === "engagement" || path === "intent" || path === "rfm"
        ? vars[path]
        : path.startsWith("event.")
          ? scalar(vars.event?.[path.slice(6)])
          : undefined;
  return value === undefined || value === null || value === "" ? undefined : String(value);
}

const scalar = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : undefined);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
