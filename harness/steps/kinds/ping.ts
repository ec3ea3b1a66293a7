// `ping`: PINGREQ, then wait for the PINGRESP.
import { Type } from '@sinclair/typebox';
import { awaitReply } from '../acknowledgement.js';
import { defineStep } from '../define.js';
import { clientName, closed, ms } from '../schema-parts.js';

export const ping = defineStep({
  schema: Type.Object(
    { client: Type.Optional(clientName), timeout: Type.Optional(ms('wait for PINGRESP')) },
    closed,
  ),
  resolve: ({ client, timeout }, ctx) => ({
    client: ctx.client(client),
    ...(timeout !== undefined && { timeout }),
  }),
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    client.send({ type: 'pingreq' });
    await awaitReply(ctx, client, 'pingresp', undefined, step.timeout ?? ctx.stepTimeout);
  },
});
