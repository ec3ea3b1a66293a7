// YAML text → a document whose values can be located (line and column), or the syntax problems.
// JSON is YAML, so .json files take the same path.
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { ValidationIssue } from './issue.js';
import { locate, offsetPosition, type PathSegment, type Position } from './position.js';

export interface YamlSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The plain value (null for an empty document). */
  value: unknown;
  /** Position of the value at `path` (or its deepest existing ancestor); with `key`, of that key. */
  at(path: readonly PathSegment[], key?: string): Position;
}

export interface ParseOptions {
  /**
   * false: syntax errors are described by their kind only, never by text taken from the file (for
   * files a scenario names, which may be anything readable).
   */
  quote?: boolean;
}

/** Aliases expanded per document at most (a YAML "billion laughs" is a problem, not a hang). */
const MAX_ALIAS_COUNT = 1000;

export function parseYaml(
  text: string,
  file: string,
  options: ParseOptions = {},
): { source?: YamlSource; issues: ValidationIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const quote = options.quote ?? true;
  const issues: ValidationIssue[] = doc.errors.map((error) => ({
    file,
    ...offsetPosition(lineCounter, error.pos[0]),
    path: '',
    message: `YAML: ${quote ? firstLine(error.message) : describeCode(error.code)}`,
  }));
  if (issues.length > 0) return { issues };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return {
      issues: [{ file, line: 1, column: 1, path: '', message: 'YAML: too many aliases expanded' }],
    };
  }
  const at = (path: readonly PathSegment[], key?: string): Position => locate(doc, lineCounter, path, key);
  return { source: { file, doc, lineCounter, value: value ?? null, at }, issues: [] };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** `BAD_INDENT` → `bad indent` */
function describeCode(code: string): string {
  return `syntax error (${code.toLowerCase().replace(/_/g, ' ')})`;
}
