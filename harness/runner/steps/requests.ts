// Request steps that complete their own exchange: subscribe (→ SUBACK), unsubscribe (→ UNSUBACK),
// publish (QoS 1 → PUBACK; QoS 2 → PUBREC, PUBREL, PUBCOMP) and ping (→ PINGRESP).
import type { AckPacket } from '../../../wire/index.js';
import type { PingStep, PublishStep, SubscribeStep, UnsubscribeStep } from '../../scenario/types.js';
import { buildOverrides, buildPacket, buildProperties } from '../build.js';
import type { RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';
import { awaitReply, checkReply } from './reply.js';

export async function runSubscribe(ctx: RunContext, step: SubscribeStep): Promise<void> {
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
}

export async function runUnsubscribe(ctx: RunContext, step: UnsubscribeStep): Promise<void> {
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
}

export async function runPublish(ctx: RunContext, step: PublishStep): Promise<void> {
  const client = ctx.client(step.client);
  await ctx.ensureOpen(client);
  const packet = buildPacket(interpolate(step.packet, ctx.vars), client, ctx.credentials);
  if (packet.type !== 'publish') throw new Error('publish step built a non-PUBLISH packet');
  if (packet.retain) ctx.retainedTopics.add(packet.topic);
  client.send(packet, buildOverrides(interpolate(step.encoding, ctx.vars)));
  const qos = packet.qos as number; // 3 is possible on purpose (a malformed PUBLISH)
  if (step.expect === 'none' || qos === 0 || qos > 2 || packet.packetId === undefined) return;
  const timeoutMs = step.timeout ?? ctx.stepTimeout;
  if (qos === 1) {
    const ack = await awaitReply(ctx, client, 'puback', packet.packetId, timeoutMs);
    checkReply(ctx, client, ack, step.expect);
    return;
  }
  const received = await awaitReply(ctx, client, 'pubrec', packet.packetId, timeoutMs);
  checkReply(ctx, client, received, step.expect);
  if (((received as AckPacket).reasonCode ?? 0) >= 0x80) return;
  client.send({ type: 'pubrel', packetId: packet.packetId });
  const complete = await awaitReply(ctx, client, 'pubcomp', packet.packetId, timeoutMs);
  checkReply(ctx, client, complete, 'success');
}

export async function runPing(ctx: RunContext, step: PingStep): Promise<void> {
  const client = ctx.client(step.client);
  await ctx.ensureOpen(client);
  client.send({ type: 'pingreq' });
  await awaitReply(ctx, client, 'pingresp', undefined, step.timeout ?? ctx.stepTimeout);
}
