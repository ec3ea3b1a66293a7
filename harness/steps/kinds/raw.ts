// `raw`: bytes written as hex, unparsed (for what no packet model can express).
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { parseHex } from '../runtime/bytes.js';
import { interpolate } from '../runtime/interpolate.js';
import { clientName, closed } from '../schema-parts.js';

export const raw = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      hex: Type.String({ description: 'bytes as hex; # comments allowed' }),
    },
    closed,
  ),
  resolve: ({ client, hex }, ctx) => ({ client: ctx.client(client), hex }),
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    client.writeRaw(parseHex(interpolate(step.hex, ctx.vars)));
  },
});
