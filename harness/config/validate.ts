// Checks a value against a TypeBox schema and returns every problem, with the YAML line when known.
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';

export interface SchemaIssue {
  /** JSON pointer of the offending value, e.g. /targets/local/kind */
  path: string;
  message: string;
  line?: number;
}

/** Maps a JSON pointer to a 1-based line number in the source, when the source is YAML/JSON text. */
export type Locator = (path: string) => number | undefined;

export function checkSchema(schema: TSchema, value: unknown, locate?: Locator): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>(); // first problem per path only ('required' then 'expected string' is noise)
  for (const error of Value.Errors(schema, value)) {
    const message = describe(error.schema, error.message);
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    const line = locate?.(error.path);
    issues.push(line === undefined ? { path: error.path, message } : { path: error.path, message, line });
  }
  return issues;
}

export function formatIssue(file: string | undefined, issue: SchemaIssue): string {
  const where = file === undefined ? '' : issue.line === undefined ? `${file}: ` : `${file}:${issue.line}: `;
  return `${where}${issue.path || '/'}: ${issue.message}`;
}

/** Parses YAML (JSON is YAML) and returns the plain value with a locator for its nodes. */
export function parseYamlWithLines(text: string): { value: unknown; locate: Locator; errors: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const errors = doc.errors.map((error) => error.message);
  return {
    value: errors.length > 0 ? undefined : doc.toJS(),
    locate: (path) => locateNode(doc, lineCounter, path),
    errors,
  };
}

function locateNode(doc: Document, lineCounter: LineCounter, path: string): number | undefined {
  const parts = path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  // Walk up until a node exists (a missing property is reported at its parent).
  for (let length = parts.length; length >= 0; length--) {
    const keys = parts.slice(0, length).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    const node: unknown = length === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function describe(schema: TSchema, fallback: string): string {
  const options = literalOptions(schema);
  return options ? `must be one of ${options.map((option) => JSON.stringify(option)).join(', ')}` : fallback;
}

function literalOptions(schema: TSchema): unknown[] | undefined {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!Array.isArray(anyOf) || anyOf.length === 0) return undefined;
  const values: unknown[] = [];
  for (const member of anyOf) {
    if (!('const' in member)) return undefined;
    values.push((member as unknown as { const: unknown }).const);
  }
  return values;
}
