/** A bound on JSON nesting, checked without recursion so no input can overflow the stack. Pure. */

/** How deep JSON may nest anywhere rujai reads it (a rules document needs far less). */
export const MAX_JSON_DEPTH = 64;

/** The path of the first place `value` nests deeper than `max`, or undefined. Iterative: no stack to overflow. */
export function tooDeep(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<[unknown, string, number]> = [[value, "$", 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= max) return path;
    if (Array.isArray(v)) v.forEach((child, i) => stack.push([child, `${path}[${i}]`, depth + 1]));
    else for (const [key, child] of Object.entries(v)) stack.push([child, `${path}.${key}`, depth + 1]);
  }
  return undefined;
}
