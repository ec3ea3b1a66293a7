// The scenario format's own wording for some schema errors (the validation pipeline words the rest).
import type { ErrorObject } from 'ajv';
import { STEP_KINDS } from '../steps/index.js';
import type { PathSegment } from '../validation/index.js';

export function scenarioMessage(error: ErrorObject, path: readonly PathSegment[]): string | undefined {
  switch (error.keyword) {
    case 'minProperties':
    case 'maxProperties':
      if (error.schemaPath.includes('Step') || isStepPath(path)) {
        return `a step has exactly one key, one of: ${STEP_KINDS.join(', ')}`;
      }
      return undefined;
    case 'pattern':
      if (path[path.length - 1] === 'name' && path.length === 1) {
        return 'must be kebab-case (lowercase letters, digits and single dashes)';
      }
      if (path[0] === 'statements') return 'must be a statement id like MQTT-3.1.2-24';
      if (path[path.length - 2] === 'capture') {
        return 'must be a variable name (a letter, then letters, digits, _)';
      }
      if (fieldOf(path) === 'packetId') return "must be integer, or a variable such as '${pid}'";
      return undefined;
    default:
      return undefined;
  }
}

/** The packet field a path ends in, seen through `anyOf: [...]` / `noneOf: [...]` lists. */
function fieldOf(path: readonly PathSegment[]): PathSegment | undefined {
  let end = path.length - 1;
  if (typeof path[end] === 'number' && (path[end - 1] === 'anyOf' || path[end - 1] === 'noneOf')) end -= 2;
  return path[end];
}

function isStepPath(path: readonly PathSegment[]): boolean {
  return path.includes('steps') || path.includes('parallel');
}
