// JSON Schema validation with ajv (every error, not just the first), reduced to the errors a person
// needs: for a union only the branch the value was meant to be (picked by its `type` or by how far it
// got) is reported, and ajv's wording is replaced by plain messages. Each caller may word some errors
// its own way (`message`).
import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { pointerToPath, type PathSegment } from './position.js';

export interface SchemaProblem {
  path: PathSegment[];
  /** Point at this key of the object at `path` (unknown keys). */
  key?: string;
  /** Like `key`, for a key not shown in the path or message (see SchemaOptions.showKey). */
  hiddenKey?: string;
  message: string;
}

export interface SchemaOptions {
  /** Schemas referenced by `$ref` to their `$id`. */
  definitions?: readonly TSchema[];
  /** A caller's own wording for an error, or undefined for the default. */
  message?: (error: ErrorObject, path: PathSegment[]) => string | undefined;
  /** false: an unknown key is located but not repeated (files that may not be what they claim). */
  showKey?: (key: string) => boolean;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: object, definitions: readonly TSchema[]): ValidateFunction {
  ajv ??= new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
  for (const definition of definitions) {
    const id = definition.$id;
    if (id !== undefined && ajv.getSchema(id) === undefined) ajv.addSchema(definition);
  }
  let validate = compiled.get(schema);
  if (!validate) {
    const id = '$id' in schema && typeof schema.$id === 'string' ? schema.$id : undefined;
    validate = (id !== undefined ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Whether `value` matches `schema`: the same validator as checkSchema, as a type guard. */
export function conforms<S extends TSchema>(
  schema: S,
  value: unknown,
  definitions: readonly TSchema[] = [],
): value is Static<S> {
  return compile(schema, definitions)(value) === true;
}

/** Every problem of `value` against `schema`, deduplicated, in document order of the errors. */
export function checkSchema(schema: TSchema, value: unknown, options: SchemaOptions = {}): SchemaProblem[] {
  const errors = explain(schema, value, '', options.definitions ?? []);
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // An if/then (the `load:` section picks its executor's schema so) reports the `then` schema's
    // own errors and also "must match then schema", which says nothing more.
    if (error.keyword === 'if') continue;
    const problem = toProblem(error, value, options);
    const key = `${problem.path.join('/')}|${problem.key ?? ''}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/**
 * Validate `value` (found at `base`) against `schema` and return its errors with unions explained:
 * each failing union is validated again branch by branch and only the most plausible branch's errors
 * are kept. Errors inside referenced schemas carry their own schema paths, so grouping is done by
 * instance path: in these formats a union is the only schema that applies at and below its location.
 */
function explain(
  schema: object,
  value: unknown,
  base: string,
  definitions: readonly TSchema[],
): ErrorObject[] {
  const validate = compile(schema, definitions);
  if (validate(value)) return [];
  let errors = (validate.errors ?? []).map((e) => ({ ...e, instancePath: base + e.instancePath }));
  const unions = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    // Outermost first: a union nested directly in another (packetId: number | variable, inside the
    // pattern wrapper) fails at the same instance path, and only the outer one sees every branch.
    .sort(
      (a, b) => a.instancePath.length - b.instancePath.length || a.schemaPath.length - b.schemaPath.length,
    );
  const handled: string[] = [];
  for (const union of unions) {
    const at = union.instancePath;
    if (handled.some((h) => at === h || at.startsWith(`${h}/`))) continue;
    handled.push(at);
    const branches = branchesOf(union).map((branch) => explain(branch, union.data, at, definitions));
    const inside = (e: ErrorObject): boolean => e.instancePath === at || e.instancePath.startsWith(`${at}/`);
    errors = [...errors.filter((e) => !inside(e)), ...pickBranch(union, branches)];
  }
  return errors;
}

function branchesOf(union: ErrorObject): object[] {
  const schema: unknown = union.schema;
  return Array.isArray(schema) ? schema.filter((b): b is object => b !== null && typeof b === 'object') : [];
}

function allowedValue(error: ErrorObject | undefined): unknown {
  const params: Record<string, unknown> = error?.params ?? {};
  return params['allowedValue'];
}

function pickBranch(union: ErrorObject, branches: ErrorObject[][]): ErrorObject[] {
  if (branches.some((list) => list.length === 0)) return [];
  // Enumerations (unions of literals): one message listing the allowed values.
  if (branches.every((list) => list.length === 1 && list[0]?.keyword === 'const')) {
    const allowed = branches.map((list) => JSON.stringify(allowedValue(list[0])));
    return [{ ...union, keyword: 'enum', message: `must be one of ${allowed.join(', ')}` }];
  }
  // Discriminated unions: drop branches whose `type` literal did not match.
  const typePath = `${union.instancePath}/type`;
  const typeError = (list: ErrorObject[]): ErrorObject | undefined =>
    list.find((e) => e.keyword === 'const' && e.instancePath === typePath);
  const candidates = branches.filter((list) => !typeError(list));
  if (candidates.length === 0) {
    const allowed = branches
      .map((list) => allowedValue(typeError(list)))
      .filter((v): v is string => typeof v === 'string');
    return [
      {
        ...union,
        instancePath: typePath,
        keyword: 'enum',
        message: `packet type must be one of ${allowed.join(', ')}`,
      },
    ];
  }
  // Otherwise the branch that got furthest: right JSON type, then deepest error, then fewest errors.
  const score = (list: ErrorObject[]): [number, number, number] => [
    list.some((e) => e.keyword === 'type' && e.instancePath === union.instancePath) ? 0 : 1,
    Math.max(...list.map((e) => e.instancePath.split('/').length)),
    -list.length,
  ];
  let best = candidates[0] ?? [];
  for (const list of candidates) {
    const [a1, a2, a3] = score(list);
    const [b1, b2, b3] = score(best);
    if (a1 > b1 || (a1 === b1 && (a2 > b2 || (a2 === b2 && a3 > b3)))) best = list;
  }
  return best;
}

function toProblem(error: ErrorObject, data: unknown, options: SchemaOptions): SchemaProblem {
  const path = pointerToPath(error.instancePath, data);
  const params: Record<string, unknown> = error.params;
  if (error.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    const allowed = allowedKeys(error);
    const suffix = allowed ? ` (allowed: ${allowed})` : '';
    if (options.showKey?.(key) === false) return { path, hiddenKey: key, message: `unknown key${suffix}` };
    return { path, key, message: `unknown key '${key}'${suffix}` };
  }
  const message = options.message?.(error, path);
  if (message !== undefined) return { path, message };
  switch (error.keyword) {
    case 'required':
      return { path, message: `missing required key '${String(params['missingProperty'])}'` };
    case 'type':
      return { path, message: `must be ${String(params['type']).replace(',', ' or ')}` };
    case 'pattern':
      return { path, message: `must match ${String(params['pattern'])}` };
    case 'enum': {
      const allowed = params['allowedValues'];
      return Array.isArray(allowed)
        ? { path, message: `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}` }
        : { path, message: error.message ?? error.keyword };
    }
    default:
      return { path, message: error.message ?? error.keyword };
  }
}

function allowedKeys(error: ErrorObject): string | undefined {
  const schema: unknown = error.parentSchema;
  const properties =
    schema !== null && typeof schema === 'object' && 'properties' in schema ? schema.properties : undefined;
  const keys = properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
  return keys.length > 0 && keys.length <= 30 ? keys.join(', ') : undefined;
}
