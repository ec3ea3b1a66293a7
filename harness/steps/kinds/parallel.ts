// `parallel`: branches of steps that run at once; when one fails, the others are stopped. The
// registry gives the nested step types (`Input`, `Steps`), so this file names no other kind.
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import type { NestingContext, RunSteps, StepDefinition, VisitSteps } from '../define.js';
import type { RunContext } from '../runtime/context.js';

function parallelSchema<Input>(step: TUnsafe<Input>) {
  return Type.Array(Type.Array(step, { minItems: 1 }), {
    minItems: 1,
    description: 'branches run concurrently',
  });
}

export type ParallelDefinition<Input, Steps> = StepDefinition<
  Static<ReturnType<typeof parallelSchema<Input>>>,
  { branches: Steps[keyof Steps][][] },
  NestingContext<Input, Steps>,
  RunSteps<Steps>,
  VisitSteps<Steps>
>;

export function parallelStep<Input, Steps>(step: TUnsafe<Input>): ParallelDefinition<Input, Steps> {
  return {
    schema: parallelSchema(step),
    resolve: (input, ctx) => ({ branches: input.map((branch, b) => ctx.resolveSteps(branch, [b])) }),
    run: runParallel,
    children: (step, visit) => step.branches.forEach(visit),
  };
}

async function runParallel<Step>(
  ctx: RunContext,
  step: { branches: readonly (readonly Step[])[] },
  runSteps: (ctx: RunContext, list: readonly Step[]) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  const branchCtx: RunContext = { ...ctx, signal: controller.signal };
  try {
    let firstError: Error | undefined;
    await Promise.all(
      step.branches.map((branch) =>
        runSteps(branchCtx, branch).catch((error: unknown) => {
          if (firstError === undefined) {
            firstError = error instanceof Error ? error : new Error(JSON.stringify(error));
            controller.abort(firstError);
          }
        }),
      ),
    );
    if (firstError !== undefined) throw firstError;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
