// `expectNothing`: no packet (or none of the given types) arrives on a client for a while.
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { describeEvent, type InboxEvent } from '../runtime/client.js';
import { StepFailure } from '../runtime/context.js';
import { waitFor } from '../runtime/wait.js';
import { clientName, closed, ms } from '../schema-parts.js';

export const expectNothing = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      duration: ms('how long nothing may arrive'),
      types: Type.Optional(
        Type.Array(Type.String(), { minItems: 1, description: 'only these packet types count' }),
      ),
    },
    closed,
  ),
  resolve: ({ client, duration, types }, ctx) => ({
    client: ctx.client(client),
    duration,
    ...(types !== undefined && { types }),
  }),
  async run(ctx, step) {
    const client = ctx.client(step.client);
    const started = ctx.clock();
    const counts = (event: InboxEvent): boolean =>
      step.types === undefined || (event.kind === 'packet' && step.types.includes(event.packet.type));
    const result = await waitFor(
      [client],
      () => {
        const event = client.pending().find(counts);
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
  },
});
