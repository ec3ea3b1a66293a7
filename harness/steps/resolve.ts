// Resolving the steps of a scenario: variables of `repeat` substituted, expansions unrolled, each
// step given its index and `file:line`, and each kind's own resolver called through the registry.
import type { PathSegment } from '../validation/index.js';
import type { NestingContext, StepBase } from './define.js';
import {
  EXPANSIONS,
  inputOf,
  isExpansionKind,
  isRunKind,
  RUNNABLE,
  STEP_KINDS,
  withBase,
  type ExpansionKind,
  type ResolvedStep,
  type RunKind,
  type StepInput,
  type StepMap,
  type StepOf,
} from './registry.js';
import { interpolate } from './runtime/interpolate.js';

/** What resolving needs from the scenario being loaded. */
export interface StepsHost {
  /** `file:line` of the value at `path`. */
  location(path: readonly PathSegment[]): string;
  problem(path: readonly PathSegment[], message: string): void;
  /** A client named by a step (clients need not be declared). */
  client(name: string): void;
}

export interface ResolvedStepList {
  steps: ResolvedStep[];
  /** Steps in the flattened list, nested ones included. */
  count: number;
  /** Where each resolved step came from (checks after unrolling report at the step's text). */
  paths: ReadonlyMap<ResolvedStep, readonly PathSegment[]>;
}

const DEFAULT_CLIENT = 'a';

export function resolveStepList(
  inputs: readonly StepInput[],
  path: readonly PathSegment[],
  host: StepsHost,
): ResolvedStepList {
  let next = 0;
  const paths = new Map<ResolvedStep, readonly PathSegment[]>();

  const list = (
    given: readonly StepInput[],
    at: readonly PathSegment[],
    vars: Readonly<Record<string, string>>,
  ): ResolvedStep[] =>
    given.flatMap((raw, i) => {
      const stepPath = [...at, i];
      // `repeat` variables are known now; run-time variables (${prefix}, captures) stay.
      const step = Object.keys(vars).length === 0 ? raw : interpolate(raw, vars);
      const kind = STEP_KINDS.find((k) => step[k] !== undefined);
      if (kind === undefined) {
        host.problem(stepPath, 'empty step');
        return [];
      }
      const ctx = nesting(stepPath, kind, vars);
      if (isExpansionKind(kind)) return expand(kind, step, ctx);
      if (!isRunKind(kind)) return [];
      const base: StepBase = { index: next++, location: host.location(stepPath) };
      const resolved = resolveOne(kind, step, ctx, base);
      if (resolved === undefined) return [];
      paths.set(resolved, stepPath);
      return [resolved];
    });

  const nesting = (
    stepPath: readonly PathSegment[],
    kind: string,
    vars: Readonly<Record<string, string>>,
  ): NestingContext<StepInput, StepMap> => ({
    client(name) {
      const resolved = name ?? DEFAULT_CLIENT;
      host.client(resolved);
      return resolved;
    },
    problem(sub, message) {
      host.problem([...stepPath, kind, ...sub], message);
      return undefined;
    },
    resolveSteps: (nested, sub, extra = {}) =>
      list(nested, [...stepPath, kind, ...sub], { ...vars, ...extra }),
  });

  const steps = list(inputs, path, {});
  return { steps, count: next, paths };
}

function resolveOne<K extends RunKind>(
  kind: K,
  step: StepInput,
  ctx: NestingContext<StepInput, StepMap>,
  base: StepBase,
): StepOf<K> | undefined {
  const input = inputOf(step, kind);
  if (input === undefined) return undefined;
  const body = RUNNABLE[kind].resolve(input, ctx);
  return body === undefined ? undefined : withBase(kind, body, base);
}

function expand<K extends ExpansionKind>(
  kind: K,
  step: StepInput,
  ctx: NestingContext<StepInput, StepMap>,
): ResolvedStep[] {
  const input = inputOf(step, kind);
  return input === undefined ? [] : EXPANSIONS[kind].expand(input, ctx);
}
