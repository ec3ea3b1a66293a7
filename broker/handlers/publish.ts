// Inbound PUBLISH: topic alias, limits, authorization, QoS 2 duplicate detection, routing, ack.
import { ReasonCode, validateTopicName } from '../../wire/index.js';
import type { PublishPacket } from '../../wire/types.js';
import { forwardedProperties } from '../session/message.js';
import type { Message } from '../session/message.js';
import type { PublishContext } from './context.js';

export function handlePublish(ctx: PublishContext, packet: PublishPacket): void {
  const v5 = ctx.version === 5;
  const { options, session } = ctx;
  let topic = packet.topic;

  const alias = packet.properties?.topicAlias;
  if (v5 && alias !== undefined) {
    if (ctx.has('ignore-topic-alias')) {
      if (topic.length === 0) return acknowledge(ctx, packet, ReasonCode.Success, true); // alias not mapped: message lost
    } else {
      // [MQTT-3.3.2-8] [MQTT-3.3.2-9] alias 0 or above our Topic Alias Maximum.
      if (alias === 0 || alias > options.topicAliasMaximum) {
        return ctx.fail(ReasonCode.TopicAliasInvalid, `topic alias ${alias} out of range`, 'MQTT-3.3.2-9');
      }
      if (topic.length === 0) {
        const mapped = ctx.topicAliases.get(alias);
        if (mapped === undefined) return ctx.fail(ReasonCode.ProtocolError, `unknown topic alias ${alias}`);
        topic = mapped;
      } else {
        ctx.topicAliases.set(alias, topic); // [MQTT-3.3.2-12] (re)define the mapping
      }
    }
  }

  // The decoder rejects wildcards [MQTT-3.3.2-2]; checked again unless a mutation let them through.
  const invalid = validateTopicName(topic);
  if (invalid !== undefined && !(invalid === 'MQTT-3.3.2-2' && ctx.has('accept-wildcard-publish-topic'))) {
    return ctx.fail(ReasonCode.TopicNameInvalid, 'invalid topic name', invalid);
  }
  if (Buffer.byteLength(topic) > options.maxTopicLength || topic.split('/').length > options.maxTopicLevels) {
    return ctx.fail(ReasonCode.TopicNameInvalid, 'topic name exceeds the configured limits');
  }
  const responseTopic = packet.properties?.responseTopic;
  if (v5 && responseTopic !== undefined && validateTopicName(responseTopic) !== undefined) {
    return ctx.fail(ReasonCode.ProtocolError, 'invalid response topic', 'MQTT-3.3.2-14');
  }
  if (v5 && packet.qos > options.maximumQoS)
    return ctx.fail(ReasonCode.QoSNotSupported, `QoS ${packet.qos} not supported`, 'MQTT-3.2.2-11');
  if (v5 && packet.retain && !options.retainAvailable)
    return ctx.fail(ReasonCode.RetainNotSupported, 'retain not supported', 'MQTT-3.2.2-14');

  const packetId = packet.packetId ?? 0;
  if (packet.qos === 2 && session.hasIncomingQos2(packetId)) {
    if (!ctx.has('qos2-duplicate-delivery')) {
      // [MQTT-4.3.3-10] resent before PUBREL: acknowledged again, not delivered twice.
      ctx.send({ type: 'pubrec', packetId });
      return;
    }
  } else if (packet.qos === 2 && v5 && session.incomingQos2Count >= options.receiveMaximum) {
    // [MQTT-3.3.4-8] more unacknowledged QoS 2 publishes than our Receive Maximum.
    return ctx.fail(ReasonCode.ReceiveMaximumExceeded, 'receive maximum exceeded', 'MQTT-3.3.4-8');
  }

  if (!ctx.authorizePublish(topic)) {
    // [MQTT-3.3.5-2] 3.1.1: positive ack, message dropped; 5.0: 0x87 Not authorized.
    ctx.log('info', 'publish not authorized', { topic });
    if (!v5 && ctx.has('unauthorized-publish-unacknowledged')) return;
    return acknowledge(ctx, packet, ReasonCode.NotAuthorized, false);
  }

  const now = ctx.now();
  const properties = packet.properties;
  const expiryInterval = properties?.messageExpiryInterval;
  const message: Message = {
    topic,
    payload: packet.payload,
    qos: packet.qos,
    retain: packet.retain,
    properties: v5 ? forwardedProperties(properties, ctx.has('drop-user-properties')) : undefined,
    expiresAt: expiryInterval === undefined ? undefined : now + expiryInterval * 1000,
    expiryInterval,
    publisherId: ctx.client.clientId,
  };
  const matched = ctx.publish(message);
  // [MQTT-3.4.2-1] 0x10 MAY replace 0x00 when nothing matched; the test-only mutation says 0x00.
  const noSubscribers = ctx.has('success-without-subscribers')
    ? ReasonCode.Success
    : ReasonCode.NoMatchingSubscribers;
  acknowledge(ctx, packet, matched === 0 ? noSubscribers : ReasonCode.Success, true);
}

/** PUBACK for QoS 1, PUBREC for QoS 2 [MQTT-3.3.4-1]; the reason code only in v5. */
function acknowledge(
  ctx: PublishContext,
  packet: PublishPacket,
  reasonCode: number,
  accepted: boolean,
): void {
  const packetId = packet.packetId;
  if (packet.qos === 0 || packetId === undefined) return;
  const v5 = ctx.version === 5;
  // Reason string only on errors, and only if the client did not set Request Problem Information to 0.
  const problem =
    v5 && reasonCode >= ReasonCode.UnspecifiedError
      ? ctx.problem(`refused with reason code 0x${reasonCode.toString(16)}`)
      : undefined;
  const code =
    v5 && reasonCode !== ReasonCode.Success
      ? { reasonCode, ...(problem ? { properties: problem } : {}) }
      : {};
  if (packet.qos === 1) {
    // [MQTT-4.3.2-4] (5.0) / [MQTT-4.3.2-2] (3.1.1)
    if (!ctx.has('no-puback')) ctx.send({ type: 'puback', packetId, ...code });
    return;
  }
  // [MQTT-4.3.3-8] (5.0) / [MQTT-4.3.3-2] (3.1.1); a refused QoS 2 message is not remembered [MQTT-4.3.3-9].
  if (accepted || ctx.has('refused-qos2-remembered')) ctx.session.addIncomingQos2(packetId);
  ctx.send({ type: 'pubrec', packetId, ...code });
}
