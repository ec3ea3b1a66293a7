// `drop`: close the connection abruptly, without DISCONNECT (the will, if any, becomes due).
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { clientName, closed } from '../schema-parts.js';

export const drop = defineStep({
  schema: Type.Object({ client: Type.Optional(clientName) }, closed),
  resolve: ({ client }, ctx) => ({ client: ctx.client(client) }),
  run(ctx, step) {
    ctx.client(step.client).destroy();
    return Promise.resolve();
  },
});
