// Maps a path in a parsed YAML document to a line and column, so every problem points at the text.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/** The node at `path`, or the deepest existing ancestor. With `key`, the key node of that entry. */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  key?: string,
): Position {
  let node: unknown = doc.contents;
  let last: unknown = node;
  for (const segment of path) {
    const next = child(node, segment);
    if (next === undefined) break;
    node = next.value ?? next.key;
    last = node;
  }
  if (key !== undefined) {
    const entry = child(last, key);
    if (entry?.key) return position(entry.key, lineCounter);
  }
  return position(last, lineCounter);
}

function child(node: unknown, segment: PathSegment): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key: unknown = isScalar(item.key) ? item.key.value : item.key;
      if (String(key) === String(segment)) return { key: item.key, value: item.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

function position(node: unknown, lineCounter: LineCounter): Position {
  const range = (node as Node | null | undefined)?.range;
  if (!range) return { line: 1, column: 1 };
  const pos = lineCounter.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

/** `steps[2].connect.keepAlive` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
