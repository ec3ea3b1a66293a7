// `send`: one wire packet as written, possibly deliberately malformed through `encoding`. Nothing is
// awaited: later steps check the broker's answer.
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { buildOverrides, buildPacket } from '../runtime/build.js';
import { interpolate } from '../runtime/interpolate.js';
import { clientName, closed, encoding, sendPacket } from '../schema-parts.js';

export const send = defineStep({
  schema: Type.Object(
    { client: Type.Optional(clientName), packet: sendPacket, encoding: Type.Optional(encoding) },
    closed,
  ),
  resolve: ({ client, packet, encoding }, ctx) => ({
    client: ctx.client(client),
    packet,
    ...(encoding !== undefined && { encoding }),
  }),
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    const packet = buildPacket(interpolate(step.packet, ctx.vars), client, ctx.credentials);
    if (packet.type === 'publish' && packet.retain) ctx.retainedTopics.add(packet.topic);
    if (packet.type === 'connect' && packet.will?.retain) ctx.retainedTopics.add(packet.will.topic);
    client.send(packet, buildOverrides(interpolate(step.encoding, ctx.vars)));
  },
});
