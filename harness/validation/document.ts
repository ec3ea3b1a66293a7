// The one validation pipeline: YAML text → located document → JSON Schema → issues with
// file:line:column. Callers add the checks a schema cannot express, located the same way.
import type { Static, TSchema } from '@sinclair/typebox';
import type { ValidationIssue, ValueIssue } from './issue.js';
import { formatPath, type PathSegment } from './position.js';
import { checkSchema, conforms, type SchemaOptions, type SchemaProblem } from './schema.js';
import { parseYaml, type ParseOptions, type YamlSource } from './yaml.js';

export interface DocumentOptions extends SchemaOptions, ParseOptions {
  /** The value an empty file stands for (default: an empty file is a problem). */
  empty?: unknown;
  /** Message for an empty file when `empty` is not given. */
  emptyMessage?: string;
}

export interface CheckedDocument<T> {
  /** Set when the text parsed (to locate further problems). */
  source?: YamlSource;
  /** The checked value: set exactly when there is no issue. */
  value?: T;
  issues: ValidationIssue[];
}

/** Parse and check one file's text against `schema`; every problem, located. */
export function checkDocument<S extends TSchema>(
  text: string,
  file: string,
  schema: S,
  options: DocumentOptions = {},
): CheckedDocument<Static<S>> {
  const { source, issues } = parseYaml(text, file, options);
  if (!source) return { issues };
  let value = source.value;
  if (value === null) {
    if (!('empty' in options)) {
      const message = options.emptyMessage ?? 'empty file';
      return { source, issues: [{ file, line: 1, column: 1, path: '', message }] };
    }
    value = options.empty;
  }
  if (conforms(schema, value, options.definitions)) return { source, value, issues: [] };
  const problems = orMismatch(checkSchema(schema, value, options));
  return { source, issues: problems.map((problem) => locateProblem(source, problem)) };
}

/** A problem found in a parsed document, with the position of the value (or key) it is about. */
export function locateProblem(
  source: YamlSource,
  problem: {
    path: readonly PathSegment[];
    key?: string | undefined;
    hiddenKey?: string | undefined;
    message: string;
  },
): ValidationIssue {
  const fullPath = problem.key !== undefined ? [...problem.path, problem.key] : problem.path;
  return {
    file: source.file,
    ...source.at(problem.path, problem.key ?? problem.hiddenKey),
    path: formatPath(fullPath),
    message: problem.message,
  };
}

/**
 * Check a value that has no source text (a .js config, options given in code); `at` is where the
 * value sits, for the paths in messages (['options'] → `options.port`).
 */
export function checkValue<S extends TSchema>(
  schema: S,
  value: unknown,
  options: SchemaOptions & { at?: readonly PathSegment[] } = {},
): { value: Static<S>; issues: [] } | { value?: undefined; issues: ValueIssue[] } {
  if (conforms(schema, value, options.definitions)) return { value, issues: [] };
  const at = options.at ?? [];
  const issues = orMismatch(checkSchema(schema, value, options)).map((problem) => ({
    path: formatPath([...at, ...problem.path, ...(problem.key !== undefined ? [problem.key] : [])]),
    message: problem.message,
  }));
  return { issues };
}

/** The explained errors can come out empty (a union every branch of which alone accepts the value). */
function orMismatch(problems: SchemaProblem[]): SchemaProblem[] {
  return problems.length > 0 ? problems : [{ path: [], message: 'does not match the schema' }];
}
