// `disconnect`: DISCONNECT (v5: with the reason code and properties given), then an orderly close.
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { buildProperties } from '../runtime/build.js';
import { interpolate } from '../runtime/interpolate.js';
import { byte, clientName, closed, sendProperties } from '../schema-parts.js';

export const disconnect = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      reasonCode: Type.Optional(byte),
      properties: Type.Optional(sendProperties),
    },
    closed,
  ),
  resolve: ({ client, reasonCode, properties }, ctx) => ({
    client: ctx.client(client),
    ...(reasonCode !== undefined && { reasonCode }),
    ...(properties !== undefined && { properties }),
  }),
  run(ctx, step) {
    const client = ctx.client(step.client);
    if (client.isOpen) {
      const v5 = client.version === '5.0';
      const properties = v5 ? buildProperties(interpolate(step.properties, ctx.vars)) : undefined;
      client.send({
        type: 'disconnect',
        ...(v5 && step.reasonCode !== undefined && { reasonCode: step.reasonCode }),
        ...(properties && { properties }),
      });
      client.end();
    }
    return Promise.resolve();
  },
});
