// A section that does not fit its executor's schema: every problem, worded for a person (missing and
// unknown keys by name, enumerations with their values, a union by the branch of the value's JSON
// type), each with the dotted path of the value.
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';

export function describeSchemaErrors(executor: string, schema: TSchema, value: unknown): string[] {
  const messages = new Set<string>();
  collect(executor, schema, value, [], messages);
  return [...messages];
}

function collect(executor: string, schema: TSchema, value: unknown, base: string[], out: Set<string>): void {
  const missing: string[] = [];
  for (const error of Value.Errors(schema, value)) {
    const segments = [...base, ...error.path.split('/').filter((segment) => segment !== '')];
    const path = segments.join('.');
    if (missing.some((gone) => path === gone || path.startsWith(`${gone}.`))) continue;
    const key = segments[segments.length - 1] ?? '';
    const where = segments.length > 1 ? segments.slice(0, -1).join('.') : executor;
    const described = error.schema as { description?: unknown; anyOf?: TSchema[] };
    if (error.type === ValueErrorType.ObjectRequiredProperty) {
      missing.push(path);
      const description = typeof described.description === 'string' ? ` (${described.description})` : '';
      out.add(`${where}: \`${key}\` is required${description}`);
    } else if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      out.add(`${where}: unknown key \`${key}\``);
    } else if (error.type === ValueErrorType.Union) {
      describeUnion(executor, described.anyOf ?? [], error.value, segments, out, described.description);
    } else {
      out.add(`${path || executor}: ${error.message}`);
    }
  }
}

/** Literals: the allowed values. Otherwise the branch of the value's own JSON type, when unique. */
function describeUnion(
  executor: string,
  branches: TSchema[],
  value: unknown,
  segments: string[],
  out: Set<string>,
  description: unknown,
): void {
  const path = segments.join('.');
  const literals = branches.map((branch) => (branch as { const?: unknown }).const);
  if (literals.every((literal) => literal !== undefined)) {
    out.add(`${path}: must be one of ${literals.map((literal) => JSON.stringify(literal)).join(', ')}`);
    return;
  }
  const matching = branches.filter((branch) => sameJsonType(branch, value));
  if (matching.length === 1) collect(executor, matching[0]!, value, segments, out);
  else out.add(`${path}: ${typeof description === 'string' ? `expected ${description}` : 'no allowed form'}`);
}

function sameJsonType(schema: TSchema, value: unknown): boolean {
  const type = (schema as { type?: unknown }).type;
  if (Array.isArray(value)) return type === 'array';
  if (value === null) return type === 'null';
  if (typeof value === 'object') return type === 'object';
  if (typeof value === 'number') return type === 'number' || type === 'integer';
  return type === typeof value;
}
