// Checks of `${name}` in resolved steps: each must be a run-time variable (${prefix}, ${run},
// ${clientId.NAME} of a client of the scenario) or captured by an earlier step. Captured variables
// count from the step after the one that captures them.
import type { PathSegment } from '../validation/index.js';
import { RUNNABLE, type ResolvedStep, type RunKind, type StepOf } from './registry.js';

const RUNTIME_VARIABLES = /^(prefix|run|clientId\.[A-Za-z0-9_-]+)$/;

export function checkVariables(
  steps: readonly ResolvedStep[],
  paths: ReadonlyMap<ResolvedStep, readonly PathSegment[]>,
  clientNames: ReadonlySet<string>,
  problem: (path: readonly PathSegment[], message: string) => void,
): void {
  const seen = new Set<string>(); // a step inside `repeat` is reported once, not once per iteration
  const report = (path: readonly PathSegment[], message: string): void => {
    const key = `${path.join('/')}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problem(path, message);
  };
  const capturedAnywhere = new Set<string>();
  forEachLeaf(steps, (step) => capturesOf(step).forEach((name) => capturedAnywhere.add(name)));
  const captured = new Set<string>();
  const visit = (value: unknown, path: readonly PathSegment[]): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/\$\{([^}]*)\}/g)) {
        const name = match[1] ?? '';
        if (captured.has(name)) continue;
        if (capturedAnywhere.has(name)) {
          report(path, `\${${name}} is used before the step that captures it`);
        } else if (!RUNTIME_VARIABLES.test(name)) {
          report(path, `unknown variable \${${name}}`);
        } else if (name.startsWith('clientId.') && !clientNames.has(name.slice('clientId.'.length))) {
          report(path, `\${${name}} names no client of this scenario`);
        }
      }
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, path));
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) if (key !== 'location') visit(v, path);
    }
  };
  forEachLeaf(steps, (step) => {
    visit(step, paths.get(step) ?? []);
    for (const name of capturesOf(step)) captured.add(name);
  });
}

/** Every step in order, steps that hold others (parallel) replaced by what they hold. */
function forEachLeaf(steps: readonly ResolvedStep[], each: (step: ResolvedStep) => void): void {
  for (const step of steps) {
    let nested = false;
    childrenOf(step, (list) => {
      nested = true;
      forEachLeaf(list, each);
    });
    if (!nested) each(step);
  }
}

function capturesOf(step: ResolvedStep): readonly string[] {
  return capturesKind(step.kind, step);
}

function capturesKind<K extends RunKind>(kind: K, step: StepOf<K>): readonly string[] {
  return RUNNABLE[kind].captures?.(step) ?? [];
}

function childrenOf(step: ResolvedStep, visit: (list: readonly ResolvedStep[]) => void): void {
  childrenKind(step.kind, step, visit);
}

function childrenKind<K extends RunKind>(
  kind: K,
  step: StepOf<K>,
  visit: (list: readonly ResolvedStep[]) => void,
): void {
  RUNNABLE[kind].children?.(step, visit);
}
