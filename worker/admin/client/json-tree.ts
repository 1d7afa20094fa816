/**
 * Where things are in the JSON text, from CodeMirror's Lezer JSON tree: the text range of a
 * JSON path (to underline a server error at its place) and the JSON path at the cursor (to
 * offer completions from the JSON Schema).
 */
import type { EditorState } from "@codemirror/state";
import { syntaxTree } from "@codemirror/language";
import type { SyntaxNode } from "@lezer/common";

type Key = string | number;

/** "$.slots.hero[0].show" → ["slots", "hero", 0, "show"]. */
export function parsePath(path: string): Key[] {
  const keys: Key[] = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of path.slice(1).matchAll(re)) keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
  return keys;
}

const text = (state: EditorState, node: SyntaxNode) => state.sliceDoc(node.from, node.to);

function children(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === name) out.push(c);
  return out;
}

function valueOf(node: SyntaxNode): SyntaxNode | null {
  // A Property is PropertyName ":" value; an array element is the value itself.
  for (let c = node.lastChild; c; c = c.prevSibling) if (c.name !== "⚠" && c.type.isError === false && c.name !== "PropertyName") return c;
  return null;
}

/** The range of the value at `path`, or of the deepest part of it that exists. */
export function rangeOf(state: EditorState, path: string): { from: number; to: number } {
  let node: SyntaxNode | null = syntaxTree(state).topNode.firstChild;
  let best = { from: 0, to: Math.min(state.doc.length, 1) };
  for (const key of parsePath(path)) {
    if (!node) break;
    let next: SyntaxNode | null = null;
    if (typeof key === "number" && node.name === "Array") {
      next = children(node, "Object").concat(children(node, "Array"), children(node, "String"), children(node, "Number"), children(node, "True"), children(node, "False"), children(node, "Null")).sort((a, b) => a.from - b.from)[key] ?? null;
    } else if (node.name === "Object") {
      const prop = children(node, "Property").find((p) => {
        const name = p.getChild("PropertyName");
        return name && text(state, name) === JSON.stringify(String(key));
      });
      if (prop) {
        best = { from: prop.from, to: prop.getChild("PropertyName")!.to };
        next = valueOf(prop);
      }
    }
    if (!next) break;
    node = next;
    best = { from: node.from, to: node.to };
  }
  return best;
}

/** The JSON path of the object the cursor is in, e.g. ["segments", "fans", "when"]. */
export function pathAt(state: EditorState, pos: number): Key[] {
  const keys: Key[] = [];
  let node: SyntaxNode | null = syntaxTree(state).resolveInner(pos, -1);
  let child: SyntaxNode | null = null;
  while (node) {
    if (node.name === "Property" && child && child.name !== "PropertyName") {
      const name = node.getChild("PropertyName");
      if (name) keys.unshift(JSON.parse(text(state, name)) as string);
    } else if (node.name === "Array" && child) {
      let index = 0;
      for (let c = node.firstChild; c && c !== child; c = c.nextSibling) if (!["[", "]", ","].includes(c.name)) index++;
      keys.unshift(index);
    }
    child = node;
    node = node.parent;
  }
  return keys;
}
