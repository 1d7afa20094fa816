/**
 * Completion of property names from the published JSON Schema: at the cursor's JSON path,
 * the schema's possible properties (across condition forms) are offered with their types.
 */
import type { CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { pathAt } from "./json-tree";

type Schema = { $ref?: string; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; type?: string | string[]; enum?: unknown[]; description?: string; $defs?: Record<string, Schema> };

function resolve(root: Schema, s: Schema | undefined): Schema[] {
  if (!s) return [];
  if (s.$ref) return resolve(root, root.$defs?.[s.$ref.replace("#/$defs/", "")]);
  const alternatives = [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])];
  return alternatives.length ? alternatives.flatMap((a) => resolve(root, a)) : [s];
}

function at(root: Schema, path: Array<string | number>): Schema[] {
  let here = resolve(root, root);
  for (const key of path) {
    here = here.flatMap((s) => {
      if (typeof key === "number") return resolve(root, s.items);
      if (s.properties?.[key]) return resolve(root, s.properties[key]);
      if (typeof s.additionalProperties === "object") return resolve(root, s.additionalProperties);
      return [];
    });
  }
  return here;
}

export function schemaCompletion(schema: Schema) {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/"?[A-Za-z_$-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const path = pathAt(context.state, word.from);
    const options = new Map<string, string>();
    for (const s of at(schema, path)) {
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const types = resolve(schema, prop).map((p) => (Array.isArray(p.type) ? p.type.join("|") : p.type ?? "")).filter(Boolean);
        options.set(name, [...new Set(types)].join(" | "));
      }
    }
    if (!options.size) return null;
    return {
      from: word.from,
      options: [...options].map(([name, detail]) => ({ label: `"${name}"`, detail, type: "property", apply: `"${name}": ` })),
      validFor: /^"?[A-Za-z_$-]*$/,
    };
  };
}
