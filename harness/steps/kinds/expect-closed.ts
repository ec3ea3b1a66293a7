// `expectClosed`: the broker closes the connection (FIN or RST), optionally after a v5 DISCONNECT
// whose reason code is in the allowed list.
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { describeEvent } from '../runtime/client.js';
import { StepFailure } from '../runtime/context.js';
import { show } from '../runtime/match.js';
import { waitFor } from '../runtime/wait.js';
import { byte, clientName, closed, ms } from '../schema-parts.js';

export const expectClosed = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      timeout: Type.Optional(ms('how long to wait for the close')),
      disconnectReasonCodes: Type.Optional(Type.Array(byte, { minItems: 1 })),
      requireDisconnect: Type.Optional(Type.Boolean()),
      skipUnmatched: Type.Optional(Type.Boolean()),
    },
    closed,
  ),
  resolve: (input, ctx) => ({
    client: ctx.client(input.client),
    ...(input.timeout !== undefined && { timeout: input.timeout }),
    ...(input.disconnectReasonCodes !== undefined && {
      disconnectReasonCodes: input.disconnectReasonCodes,
    }),
    requireDisconnect: input.requireDisconnect ?? false,
    skipUnmatched: input.skipUnmatched ?? false,
  }),
  async run(ctx, step) {
    const client = ctx.client(step.client);
    const timeoutMs = step.timeout ?? ctx.stepTimeout;
    const started = ctx.clock();
    const allowed = step.disconnectReasonCodes;
    const expected = [
      {
        closed: true,
        ...(allowed && { disconnectReasonCodes: allowed }),
        ...(step.requireDisconnect && { requireDisconnect: true }),
      },
    ];
    if (!client.isOpen && client.pending().length === 0) return; // closed already, close seen before
    let sawDisconnect = false;
    const fail = (message: string): StepFailure =>
      new StepFailure(message, { client: client.name, expected, elapsedMs: ctx.clock() - started });
    const result = await waitFor(
      [client],
      () => {
        for (const event of [...client.pending()]) {
          client.consume(event);
          if (event.kind === 'closed') {
            if (step.requireDisconnect && !sawDisconnect)
              throw fail('connection closed without a DISCONNECT first');
            return true;
          }
          if (event.kind === 'packet' && event.packet.type === 'disconnect') {
            const code = event.packet.reasonCode ?? 0;
            if (allowed && !allowed.includes(code)) {
              throw fail(
                `DISCONNECT reason ${show(code)} is not one of ${allowed.map((c) => show(c)).join(', ')}`,
              );
            }
            sawDisconnect = true;
            continue;
          }
          if (event.kind === 'packet' && step.skipUnmatched) continue;
          throw fail(`expected the connection to close, got ${describeEvent(event)}`);
        }
        return undefined;
      },
      timeoutMs,
      ctx.signal,
    );
    if (result === 'timeout') throw fail(`the connection was still open after ${timeoutMs} ms`);
  },
});
