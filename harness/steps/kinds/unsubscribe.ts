// `unsubscribe`: UNSUBSCRIBE one filter or several, then wait for the UNSUBACK and check it.
import { Type } from '@sinclair/typebox';
import { ackExpectation, AckExpectSchema, awaitReply, checkReply } from '../acknowledgement.js';
import { defineStep } from '../define.js';
import { buildProperties } from '../runtime/build.js';
import { interpolate } from '../runtime/interpolate.js';
import { clientName, closed, ms, packetId, sendProperties } from '../schema-parts.js';

export const unsubscribe = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      filter: Type.Optional(Type.String()),
      filters: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
      packetId: Type.Optional(packetId),
      properties: Type.Optional(sendProperties),
      expect: Type.Optional(AckExpectSchema),
      timeout: Type.Optional(ms('wait for UNSUBACK at most this long')),
    },
    closed,
  ),
  resolve(input, ctx) {
    const { client, filter, filters, packetId, properties, expect, timeout } = input;
    const given = [filter, filters].filter((v) => v !== undefined).length;
    if (given !== 1) return ctx.problem([], 'unsubscribe needs exactly one of filter, filters');
    return {
      client: ctx.client(client),
      filters: filters ?? (filter !== undefined ? [filter] : []),
      ...(packetId !== undefined && { packetId }),
      ...(properties !== undefined && { properties }),
      expect: ackExpectation(expect),
      ...(timeout !== undefined && { timeout }),
    };
  },
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    const packetId = step.packetId ?? client.allocatePacketId();
    const properties = buildProperties(interpolate(step.properties, ctx.vars));
    client.send({
      type: 'unsubscribe',
      packetId,
      topicFilters: interpolate([...step.filters], ctx.vars),
      ...(properties && { properties }),
    });
    if (step.expect === 'none') return;
    const reply = await awaitReply(ctx, client, 'unsuback', packetId, step.timeout ?? ctx.stepTimeout);
    checkReply(ctx, client, reply, step.expect);
  },
});
