// Step dispatch: one exhaustive switch over the step kinds. `parallel` runs its branches at once
// and stops the others when one fails.
import type { ParallelStep, ResolvedStep } from '../../scenario/types.js';
import type { RunContext } from '../context.js';
import { runConnect } from './connect.js';
import { captureFields, expectOne } from './expect.js';
import { runExpectAll } from './expect-all.js';
import { runExpectClosed } from './expect-closed.js';
import { runExpectCount } from './expect-count.js';
import { runExpectNothing } from './expect-nothing.js';
import { runPing, runPublish, runSubscribe, runUnsubscribe } from './requests.js';
import { runRaw, runSend } from './send.js';
import { runDisconnect, runDrop, runWait } from './session.js';

/** Runs one step; `runSteps` is given so parallel branches record their steps like the main list. */
export async function runStep(
  ctx: RunContext,
  step: ResolvedStep,
  runSteps: (ctx: RunContext, steps: readonly ResolvedStep[]) => Promise<void>,
): Promise<void> {
  switch (step.kind) {
    case 'connect':
    case 'reconnect':
      return runConnect(ctx, step);
    case 'send':
      return runSend(ctx, step);
    case 'raw':
      return runRaw(ctx, step);
    case 'expect': {
      const event = await expectOne(
        ctx,
        ctx.client(step.client),
        step.alternatives,
        step.timeout ?? ctx.stepTimeout,
        step.skipUnmatched,
      );
      captureFields(ctx, step.client, step.capture, event);
      return;
    }
    case 'expectAll':
      return runExpectAll(ctx, step);
    case 'expectNothing':
      return runExpectNothing(ctx, step);
    case 'expectCount':
      return runExpectCount(ctx, step);
    case 'expectClosed':
      return runExpectClosed(ctx, step);
    case 'wait':
      return runWait(ctx, step);
    case 'disconnect':
      return runDisconnect(ctx, step);
    case 'drop':
      return runDrop(ctx, step);
    case 'subscribe':
      return runSubscribe(ctx, step);
    case 'unsubscribe':
      return runUnsubscribe(ctx, step);
    case 'publish':
      return runPublish(ctx, step);
    case 'ping':
      return runPing(ctx, step);
    case 'parallel':
      return runParallel(ctx, step, runSteps);
    default: {
      const unknown: never = step;
      throw new Error(`no runner for step ${JSON.stringify(unknown)}`);
    }
  }
}

async function runParallel(
  ctx: RunContext,
  step: ParallelStep,
  runSteps: (ctx: RunContext, steps: readonly ResolvedStep[]) => Promise<void>,
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
