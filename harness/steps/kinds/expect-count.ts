// `expectCount`: exactly N packets matching a pattern arrive on a set of clients, all of them
// together, within a time window (e.g. one copy per shared-subscription group, whichever member gets
// it). Matching packets are consumed; other packets stay for later steps.
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { StepFailure } from '../runtime/context.js';
import { interpolate } from '../runtime/interpolate.js';
import { matchPacket } from '../runtime/match.js';
import { waitFor } from '../runtime/wait.js';
import { clientName, closed, ms, packetPattern } from '../schema-parts.js';

export const expectCount = defineStep({
  schema: Type.Object(
    {
      clients: Type.Array(clientName, { minItems: 1, description: 'the clients whose packets count' }),
      packet: packetPattern,
      count: Type.Integer({ minimum: 0, description: 'how many matching packets, all clients together' }),
      duration: ms('how long to count'),
    },
    {
      ...closed,
      description: 'exactly `count` packets matching `packet` across the clients in `duration`',
    },
  ),
  resolve: ({ clients, packet, count, duration }, ctx) => ({
    clients: clients.map((name) => ctx.client(name)),
    pattern: packet,
    count,
    duration,
  }),
  async run(ctx, step) {
    const clients = step.clients.map((name) => ctx.client(name));
    const pattern = interpolate(step.pattern, ctx.vars);
    const perClient = new Map<string, number>(clients.map((client) => [client.name, 0]));
    let total = 0;
    const started = ctx.clock();
    const failure = (message: string): StepFailure => {
      const split = [...perClient].map(([name, n]) => `${name}: ${n}`).join(', ');
      return new StepFailure(`${message} (${split})`, {
        client: clients[0]?.name ?? '',
        clients: clients.map((client) => client.name),
        expected: [{ count: step.count, packet: pattern }],
        elapsedMs: ctx.clock() - started,
      });
    };
    const across = `across ${clients.map((client) => client.name).join(', ')}`;
    const result = await waitFor(
      clients,
      () => {
        for (const client of clients) {
          for (const event of [...client.pending()]) {
            if (event.kind !== 'packet' || matchPacket(pattern, event.packet) !== undefined) continue;
            client.consume(event);
            total += 1;
            perClient.set(client.name, (perClient.get(client.name) ?? 0) + 1);
            if (total > step.count) {
              throw failure(`expected ${step.count} matching packet(s) ${across}, got more: ${total}`);
            }
          }
        }
        return undefined;
      },
      step.duration,
      ctx.signal,
    );
    if (result !== 'timeout') throw new Error('unreachable');
    if (total !== step.count) {
      throw failure(
        `expected ${step.count} matching packet(s) ${across} within ${step.duration} ms, got ${total}`,
      );
    }
  },
});
