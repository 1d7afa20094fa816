/** A one-line summary of what a new rules version changes, for the history list. Pure. */
import type { RulesDocument } from "./schema";

function keyed<T>(entries: Record<string, T> | Array<T & { id: string }>): Map<string, string> {
  const list = Array.isArray(entries) ? entries.map((e) => [e.id, e] as const) : Object.entries(entries);
  return new Map(list.map(([k, v]) => [k, JSON.stringify(v)]));
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) out.push(!before.has(k) ? `+${k}` : before.get(k) !== v ? `~${k}` : "");
  for (const k of before.keys()) if (!after.has(k)) out.push(`−${k}`);
  return out.filter(Boolean);
}

export function summarizeChange(before: RulesDocument | null, after: RulesDocument): string {
  if (!before) return "first version";
  const parts: string[] = [];
  const segments = changes(keyed(before.segments), keyed(after.segments));
  if (segments.length) parts.push(`segments ${segments.join(" ")}`);
  for (const slot of new Set([...Object.keys(before.slots), ...Object.keys(after.slots)])) {
    const c = changes(keyed(before.slots[slot] ?? []), keyed(after.slots[slot] ?? []));
    if (c.length) parts.push(`${slot} ${c.join(" ")}`);
  }
  if (before.timezone !== after.timezone) parts.push(`timezone ${before.timezone ?? "—"} → ${after.timezone ?? "—"}`);
  return parts.length ? parts.join("; ") : "no changes";
}
