// `subscribe`: SUBSCRIBE with one filter, several, or full subscription options, then wait for the
// SUBACK and check it (every reason code a success by default).
import { Type } from '@sinclair/typebox';
import { ackExpectation, AckExpectSchema, awaitReply, checkReply } from '../acknowledgement.js';
import { defineStep } from '../define.js';
import { buildPacket } from '../runtime/build.js';
import { interpolate } from '../runtime/interpolate.js';
import { clientName, closed, ms, packetId, qos, sendProperties } from '../schema-parts.js';

const Subscription = Type.Object(
  {
    topicFilter: Type.String(),
    qos: Type.Optional(qos),
    noLocal: Type.Optional(Type.Boolean()),
    retainAsPublished: Type.Optional(Type.Boolean()),
    retainHandling: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  },
  closed,
);

export const subscribe = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      filter: Type.Optional(Type.String()),
      filters: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
      qos: Type.Optional(qos),
      subscriptions: Type.Optional(Type.Array(Subscription, { minItems: 1 })),
      packetId: Type.Optional(packetId),
      properties: Type.Optional(sendProperties),
      expect: Type.Optional(AckExpectSchema),
      timeout: Type.Optional(ms('wait for SUBACK at most this long')),
    },
    { ...closed, description: 'one of filter / filters / subscriptions' },
  ),
  resolve(input, ctx) {
    const { client, filter, filters, qos, subscriptions, packetId, properties, expect, timeout } = input;
    const given = [filter, filters, subscriptions].filter((v) => v !== undefined).length;
    if (given !== 1) return ctx.problem([], 'subscribe needs exactly one of filter, filters, subscriptions');
    if (subscriptions !== undefined && qos !== undefined) {
      return ctx.problem(['qos'], "with 'subscriptions', give qos per subscription");
    }
    const topicFilters = filters ?? (filter !== undefined ? [filter] : []);
    return {
      client: ctx.client(client),
      subscriptions: subscriptions ?? topicFilters.map((topicFilter) => ({ topicFilter, qos: qos ?? 0 })),
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
    const packet = buildPacket(
      {
        type: 'subscribe',
        packetId,
        subscriptions: interpolate(step.subscriptions, ctx.vars),
        ...(step.properties !== undefined && { properties: interpolate(step.properties, ctx.vars) }),
      },
      client,
      ctx.credentials,
    );
    client.send(packet);
    if (step.expect === 'none') return;
    const reply = await awaitReply(ctx, client, 'suback', packetId, step.timeout ?? ctx.stepTimeout);
    checkReply(ctx, client, reply, step.expect);
  },
});
