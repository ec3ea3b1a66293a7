// `expectAll`: several expectations over one or more clients, satisfied in any order.
import { Type } from '@sinclair/typebox';
import {
  alternativesOf,
  capturedNames,
  captureFields,
  describeAlternative,
  mismatch,
} from '../alternatives.js';
import { defineStep } from '../define.js';
import { describeEvent } from '../runtime/client.js';
import { StepFailure } from '../runtime/context.js';
import { interpolate } from '../runtime/interpolate.js';
import { waitFor } from '../runtime/wait.js';
import { Capture, clientName, closed, ms, packetPattern } from '../schema-parts.js';

const Item = Type.Object(
  {
    client: Type.Optional(clientName),
    packet: Type.Optional(packetPattern),
    closed: Type.Optional(Type.Literal(true)),
    timeout: Type.Optional(ms('how long to wait (the step waits for the largest)')),
    skipUnmatched: Type.Optional(Type.Boolean()),
    capture: Type.Optional(Capture),
  },
  closed,
);

export const expectAll = defineStep({
  schema: Type.Array(Item, { minItems: 1 }),
  resolve(input, ctx) {
    const items = [];
    for (const [i, item] of input.entries()) {
      const alternative = alternativesOf([item], [i], ctx)?.[0];
      if (!alternative) continue;
      items.push({
        client: ctx.client(item.client),
        alternative,
        ...(item.timeout !== undefined && { timeout: item.timeout }),
        skipUnmatched: item.skipUnmatched ?? false,
        ...(item.capture !== undefined && { capture: item.capture }),
      });
    }
    return items.length === input.length ? { items } : undefined;
  },
  async run(ctx, step) {
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
        .map((item) => ({ client: item.client, ...describeAlternative(item.alternative) }));
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
  },
  captures: (step) => step.items.flatMap((item) => capturedNames(item.capture)),
});
