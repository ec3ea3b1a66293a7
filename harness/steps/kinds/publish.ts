// `publish`: PUBLISH, then complete the exchange its QoS asks for (QoS 1 → PUBACK; QoS 2 → PUBREC,
// PUBREL, PUBCOMP) and check the acknowledgement.
import { Type } from '@sinclair/typebox';
import {
  ackExpectation,
  AckExpectSchema,
  awaitReply,
  checkReply,
  reasonCodesOf,
} from '../acknowledgement.js';
import { defineStep } from '../define.js';
import { Bytes, ref } from '../packet-schema.js';
import { buildOverrides, buildPacket } from '../runtime/build.js';
import { interpolate } from '../runtime/interpolate.js';
import { clientName, closed, encoding, ms, packetId, qos, sendProperties } from '../schema-parts.js';

export const publish = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      topic: Type.String(),
      payload: Type.Optional(ref(Bytes)),
      qos: Type.Optional(qos),
      retain: Type.Optional(Type.Boolean()),
      dup: Type.Optional(Type.Boolean()),
      packetId: Type.Optional(packetId),
      properties: Type.Optional(sendProperties),
      encoding: Type.Optional(encoding),
      expect: Type.Optional(AckExpectSchema),
      timeout: Type.Optional(ms('wait for the acknowledgement at most this long')),
    },
    closed,
  ),
  resolve(input, ctx) {
    const { client, expect, timeout, encoding, ...fields } = input;
    return {
      client: ctx.client(client),
      packet: { type: 'publish', ...fields },
      ...(encoding !== undefined && { encoding }),
      expect: ackExpectation(expect),
      ...(timeout !== undefined && { timeout }),
    };
  },
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    const packet = buildPacket(interpolate(step.packet, ctx.vars), client, ctx.credentials);
    if (packet.type !== 'publish') throw new Error('publish step built a non-PUBLISH packet');
    if (packet.retain) ctx.retainedTopics.add(packet.topic);
    client.send(packet, buildOverrides(interpolate(step.encoding, ctx.vars)));
    const qos: number = packet.qos; // 3 is possible on purpose (a malformed PUBLISH)
    if (step.expect === 'none' || qos === 0 || qos > 2 || packet.packetId === undefined) return;
    const timeoutMs = step.timeout ?? ctx.stepTimeout;
    if (qos === 1) {
      const ack = await awaitReply(ctx, client, 'puback', packet.packetId, timeoutMs);
      checkReply(ctx, client, ack, step.expect);
      return;
    }
    const received = await awaitReply(ctx, client, 'pubrec', packet.packetId, timeoutMs);
    checkReply(ctx, client, received, step.expect);
    if ((reasonCodesOf(received)[0] ?? 0) >= 0x80) return;
    client.send({ type: 'pubrel', packetId: packet.packetId });
    const complete = await awaitReply(ctx, client, 'pubcomp', packet.packetId, timeoutMs);
    checkReply(ctx, client, complete, 'success');
  },
});
