// `expectClosed`: the broker closes the connection (FIN or RST), optionally after a v5 DISCONNECT
// whose reason code is in the allowed list.
import type { ExpectClosedStep } from '../../scenario/types.js';
import { describeEvent } from '../client.js';
import { StepFailure, type RunContext } from '../context.js';
import { show } from '../match.js';
import { waitFor } from '../wait.js';

export async function runExpectClosed(ctx: RunContext, step: ExpectClosedStep): Promise<void> {
  const client = ctx.client(step.client);
  const timeoutMs = step.timeout ?? ctx.stepTimeout;
  const started = ctx.clock();
  const expected = [
    {
      closed: true,
      ...(step.disconnectReasonCodes && { disconnectReasonCodes: step.disconnectReasonCodes }),
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
          if (step.disconnectReasonCodes && !step.disconnectReasonCodes.includes(code)) {
            throw fail(
              `DISCONNECT reason ${show(code)} is not one of ${step.disconnectReasonCodes.map((c) => show(c)).join(', ')}`,
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
}
