// `expectAll`: several expectations over one or more clients, satisfied in any order.
import type { ExpectAllStep } from '../../scenario/types.js';
import { describeEvent } from '../client.js';
import { StepFailure, type RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';
import { waitFor } from '../wait.js';
import { captureFields, describeAlternative, mismatch } from './expect.js';

export async function runExpectAll(ctx: RunContext, step: ExpectAllStep): Promise<void> {
  const items = step.items.map((item) => ({
    ...item,
    alternative: interpolate(item.alternative, ctx.vars),
    done: false,
  }));
  const clients = [...new Set(items.map((item) => item.client))].map((name) => ctx.client(name));
  const timeoutMs = Math.max(...items.map((item) => item.timeout ?? ctx.stepTimeout));
  const started = ctx.clock();
  const expected = (): unknown[] =>
    items
      .filter((item) => !item.done)
      .map((item) => ({ client: item.client, ...(describeAlternative(item.alternative) as object) }));
  const result = await waitFor(
    clients,
    () => {
      for (const client of clients) {
        for (const event of [...client.pending()]) {
          const open = items.filter((item) => !item.done && item.client === client.name);
          if (open.length === 0) break;
          const hit = open.find((item) => mismatch(item.alternative, event) === undefined);
          if (hit) {
            hit.done = true;
            client.consume(event);
            captureFields(ctx, client.name, hit.capture, event);
          } else if (event.kind === 'packet' && open.every((item) => item.skipUnmatched)) {
            client.consume(event);
          } else {
            throw new StepFailure(`unexpected ${describeEvent(event)} on client '${client.name}'`, {
              client: client.name,
              clients: clients.map((c) => c.name),
              expected: expected(),
              elapsedMs: ctx.clock() - started,
            });
          }
        }
      }
      return items.every((item) => item.done) ? true : undefined;
    },
    timeoutMs,
    ctx.signal,
  );
  if (result === 'timeout') {
    const missing = items.filter((item) => !item.done);
    throw new StepFailure(
      `${missing.length} of ${items.length} expectations not met within ${timeoutMs} ms`,
      {
        client: missing[0]?.client ?? '',
        clients: clients.map((c) => c.name),
        expected: expected(),
        elapsedMs: ctx.clock() - started,
      },
    );
  }
}
