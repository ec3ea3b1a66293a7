// JSON Schema validation of a parsed scenario with ajv (all errors), reduced to the errors a person
// needs: for a union, only the branch the value was meant to be (picked by its `type` or by how far
// it got) is reported, and ajv's wording is replaced by plain messages.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SCHEMA_DEFINITIONS, Scenario, STEP_KINDS } from './schema.js';
import type { PathSegment } from './locate.js';

export interface SchemaProblem {
  path: PathSegment[];
  /** Point at this key of the object at `path` (unknown keys). */
  key?: string;
  message: string;
}

let ajv: Ajv | undefined;
const compiledBySchema = new WeakMap<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
    for (const definition of SCHEMA_DEFINITIONS) ajv.addSchema(definition);
  }
  let validate = compiledBySchema.get(schema);
  if (!validate) {
    validate =
      (schema as { $id?: unknown }).$id !== undefined
        ? ajv.getSchema(String((schema as { $id: string }).$id))
        : undefined;
    validate ??= ajv.compile(schema);
    compiledBySchema.set(schema, validate);
  }
  return validate;
}

export function validateAgainstSchema(data: unknown): SchemaProblem[] {
  const errors = explain(Scenario, data, '');
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = toProblem(error, data);
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
 * instance path: in this format a union is the only schema that applies at and below its location.
 */
function explain(schema: object, value: unknown, base: string): ErrorObject[] {
  const validate = compile(schema);
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
    const branches = (union.schema as object[]).map((branch) => explain(branch, union.data, at));
    const inside = (e: ErrorObject): boolean => e.instancePath === at || e.instancePath.startsWith(`${at}/`);
    errors = [...errors.filter((e) => !inside(e)), ...pickBranch(union, branches)];
  }
  return errors;
}

function pickBranch(union: ErrorObject, branches: ErrorObject[][]): ErrorObject[] {
  if (branches.some((list) => list.length === 0)) return [];
  // Enumerations (unions of literals): one message listing the allowed values.
  if (branches.every((list) => list.length === 1 && list[0]?.keyword === 'const')) {
    const allowed = branches.map((list) =>
      JSON.stringify((list[0]?.params as { allowedValue: unknown }).allowedValue),
    );
    return [{ ...union, keyword: 'enum', message: `must be one of ${allowed.join(', ')}` }];
  }
  // Discriminated unions: drop branches whose `type` literal did not match.
  const typePath = `${union.instancePath}/type`;
  const typeError = (list: ErrorObject[]): ErrorObject | undefined =>
    list.find((e) => e.keyword === 'const' && e.instancePath === typePath);
  const candidates = branches.filter((list) => !typeError(list));
  if (candidates.length === 0) {
    const allowed = branches
      .map((list) => (typeError(list)?.params as { allowedValue?: unknown } | undefined)?.allowedValue)
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

function toProblem(error: ErrorObject, data: unknown): SchemaProblem {
  const path = pointerToPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = allowedKeys(error);
      return {
        path,
        key,
        message: `unknown key '${key}'${allowed ? ` (allowed: ${allowed})` : ''}`,
      };
    }
    case 'required':
      return { path, message: `missing required key '${String(params['missingProperty'])}'` };
    case 'minProperties':
    case 'maxProperties':
      if (error.schemaPath.includes('Step') || isStepPath(path)) {
        return { path, message: `a step has exactly one key, one of: ${STEP_KINDS.join(', ')}` };
      }
      return { path, message: error.message ?? error.keyword };
    case 'type':
      return { path, message: `must be ${String(params['type']).replace(',', ' or ')}` };
    case 'pattern':
      if (path[path.length - 1] === 'name' && path.length === 1) {
        return { path, message: 'must be kebab-case (lowercase letters, digits and single dashes)' };
      }
      if (path[0] === 'statements') return { path, message: 'must be a statement id like MQTT-3.1.2-24' };
      if (path[path.length - 2] === 'capture') {
        return { path, message: 'must be a variable name (a letter, then letters, digits, _)' };
      }
      if (fieldOf(path) === 'packetId') {
        return { path, message: "must be integer, or a variable such as '${pid}'" };
      }
      return { path, message: `must match ${String(params['pattern'])}` };
    default:
      return { path, message: error.message ?? error.keyword };
  }
}

/** The packet field a path ends in, seen through `anyOf: [...]` / `noneOf: [...]` lists. */
function fieldOf(path: PathSegment[]): PathSegment | undefined {
  let end = path.length - 1;
  if (typeof path[end] === 'number' && (path[end - 1] === 'anyOf' || path[end - 1] === 'noneOf')) end -= 2;
  return path[end];
}

function isStepPath(path: PathSegment[]): boolean {
  return path.includes('steps') || path.includes('parallel');
}

function allowedKeys(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const keys = schema?.properties ? Object.keys(schema.properties) : [];
  return keys.length > 0 && keys.length <= 30 ? keys.join(', ') : undefined;
}

function pointerToPath(pointer: string, data: unknown): PathSegment[] {
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
      node =
        node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}
