// Where a value sits in a YAML document: a path of keys and indexes maps to a line and column, so
// every problem points at the text. One locator for every file the harness reads.
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

/** The node at `path`, or the deepest existing ancestor. With `key`, the key node of that entry. */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  key?: string,
): Position {
  let node: unknown = doc.contents;
  for (const segment of path) {
    const next = child(node, segment);
    if (next === undefined) break;
    node = next.value ?? next.key;
  }
  if (key !== undefined) {
    const entry = child(node, key);
    if (entry?.key) return position(entry.key, lineCounter);
  }
  return position(node, lineCounter);
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
  const start = isNode(node) ? node.range?.[0] : undefined;
  return start === undefined ? { line: 1, column: 1 } : offsetPosition(lineCounter, start);
}

export function offsetPosition(lineCounter: LineCounter, offset: number): Position {
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** `steps[2].connect.keepAlive`; '' for the document itself. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A JSON pointer (`/steps/0/connect`) as path segments, array indexes as numbers (read from `data`). */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
