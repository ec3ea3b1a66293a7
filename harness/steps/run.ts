// Running a resolved step: the registry's runner for its kind.
import type { RunSteps } from './define.js';
import { RUNNABLE, type ResolvedStep, type RunKind, type StepMap, type StepOf } from './registry.js';
import type { RunContext } from './runtime/context.js';

/** Runs one step; `runSteps` runs nested lists (parallel branches) so they are recorded the same way. */
export function runStep(ctx: RunContext, step: ResolvedStep, runSteps: RunSteps<StepMap>): Promise<void> {
  return runKind(step.kind, step, ctx, runSteps);
}

function runKind<K extends RunKind>(
  kind: K,
  step: StepOf<K>,
  ctx: RunContext,
  runSteps: RunSteps<StepMap>,
): Promise<void> {
  return RUNNABLE[kind].run(ctx, step, runSteps);
}
