// `expectNothing`: no packet (or none of the given types) arrives on a client for a while.
import type { ExpectNothingStep } from '../../scenario/types.js';
import { describeEvent } from '../client.js';
import { StepFailure, type RunContext } from '../context.js';
import { waitFor } from '../wait.js';

export async function runExpectNothing(ctx: RunContext, step: ExpectNothingStep): Promise<void> {
  const client = ctx.client(step.client);
  const started = ctx.clock();
  const counts = (kind: string, type: string | undefined): boolean =>
    step.types === undefined ? true : kind === 'packet' && type !== undefined && step.types.includes(type);
  const result = await waitFor(
    [client],
    () => {
      const event = client
        .pending()
        .find((e) => counts(e.kind, e.kind === 'packet' ? e.packet.type : undefined));
      if (!event) return undefined;
      throw new StepFailure(`expected nothing for ${step.duration} ms, got ${describeEvent(event)}`, {
        client: client.name,
        expected: [step.types ? { nothingOfTypes: step.types } : { nothing: true }],
        elapsedMs: ctx.clock() - started,
      });
    },
    step.duration,
    ctx.signal,
  );
  if (result !== 'timeout') throw new Error('unreachable');
}
