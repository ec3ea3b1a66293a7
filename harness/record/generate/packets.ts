// Recorded packets as scenario data: what a client sent becomes a `send` packet (values as sent,
// topics under the prefix, identifiers the broker chose written as the variables that captured
// them); what the broker sent becomes an `expect` pattern that names what a conforming broker must
// reproduce and leaves out what each broker may choose (packet identifiers of its own, server
// capabilities in CONNACK, the text of reason strings, dup on redelivery).
import type { ConnectPacket, Packet, Properties, PublishPacket } from '../../../wire/index.js';
import { bytes, prefixed, properties, type Data, type DataMap, type IdNames } from './values.js';

export interface PacketContext {
  ids: IdNames;
  redactPayloads: boolean;
  redactCredentials: boolean;
  /** The variable holding a packet identifier the broker chose, if it is one. */
  brokerPacketId(packetId: number): string | undefined;
}

/** A client's packet as `send` data. */
export function sendPacket(packet: Packet, ctx: PacketContext): DataMap {
  switch (packet.type) {
    case 'connect':
      return connectData(packet, ctx);
    case 'publish':
      return {
        type: 'publish',
        topic: prefixed(packet.topic),
        payload: bytes(packet.payload, ctx.redactPayloads),
        qos: packet.qos,
        retain: packet.retain,
        ...(packet.dup && { dup: true }),
        ...(packet.packetId !== undefined && { packetId: packet.packetId }),
        ...withProperties(packet.properties),
      };
    case 'puback':
    case 'pubrec':
    case 'pubcomp':
      // Acknowledging a message the broker sent: its packet identifier is the broker's choice.
      return ack(packet.type, ctx.brokerPacketId(packet.packetId) ?? packet.packetId, packet);
    case 'pubrel':
      return ack('pubrel', packet.packetId, packet);
    case 'subscribe':
      return {
        type: 'subscribe',
        packetId: packet.packetId,
        subscriptions: packet.subscriptions.map((s) => ({
          topicFilter: prefixed(s.topicFilter),
          qos: s.qos,
          ...(s.noLocal !== undefined && { noLocal: s.noLocal }),
          ...(s.retainAsPublished !== undefined && { retainAsPublished: s.retainAsPublished }),
          ...(s.retainHandling !== undefined && { retainHandling: s.retainHandling }),
        })),
        ...withProperties(packet.properties),
      };
    case 'unsubscribe':
      return {
        type: 'unsubscribe',
        packetId: packet.packetId,
        topicFilters: packet.topicFilters.map((filter) => prefixed(filter)),
        ...withProperties(packet.properties),
      };
    case 'pingreq':
      return { type: 'pingreq' };
    case 'disconnect':
    case 'auth':
      return {
        type: packet.type,
        ...(packet.reasonCode !== undefined && { reasonCode: packet.reasonCode }),
        ...withProperties(packet.properties),
      };
    case 'connack':
    case 'suback':
    case 'unsuback':
    case 'pingresp':
      // A server-to-client packet sent by a client: its type only (the broker's answer is the test).
      return { type: packet.type };
  }
}

/** A CONNECT as `send` data: the client id as its scenario client's, credentials unless redacted. */
function connectData(packet: ConnectPacket, ctx: PacketContext): DataMap {
  const out: DataMap = {
    type: 'connect',
    protocolName: packet.protocolName,
    protocolLevel: packet.protocolLevel,
    cleanStart: packet.cleanStart,
    keepAlive: packet.keepAlive,
    clientId: packet.clientId === '' ? '' : (ctx.ids.variableFor(packet.clientId) ?? packet.clientId),
  };
  if (packet.will !== undefined) {
    const will = packet.will;
    out['will'] = {
      topic: prefixed(will.topic),
      payload: bytes(will.payload, ctx.redactPayloads),
      qos: will.qos,
      retain: will.retain,
      ...withProperties(will.properties),
    };
  }
  if (!ctx.redactCredentials) {
    if (packet.username !== undefined) out['username'] = packet.username;
    if (packet.password !== undefined) out['password'] = bytes(packet.password, false);
  }
  return { ...out, ...withProperties(packet.properties) };
}

function ack(
  type: string,
  packetId: number | string,
  packet: { reasonCode?: number; properties?: Properties },
): DataMap {
  return {
    type,
    packetId: typeof packetId === 'string' ? `\${${packetId}}` : packetId,
    ...(packet.reasonCode !== undefined && { reasonCode: packet.reasonCode }),
    ...withProperties(packet.properties),
  };
}

function withProperties(given: Properties | undefined): { properties?: DataMap } {
  if (given === undefined) return {};
  const out = properties(given);
  return Object.keys(out).length > 0 ? { properties: out } : {};
}

/** Properties of a forwarded PUBLISH that the publisher chose: a conforming broker passes them on. */
const FORWARDED = [
  'payloadFormatIndicator',
  'contentType',
  'responseTopic',
  'correlationData',
  'userProperties',
  'subscriptionIdentifier',
] as const;

/** The pattern of a PUBLISH the broker sent (topic given separately: it may be an alias). */
export function publishPattern(packet: PublishPacket, topic: string, ctx: PacketContext): DataMap {
  const given = packet.properties ?? {};
  const kept: Properties = {};
  for (const key of FORWARDED) if (given[key] !== undefined) Object.assign(kept, { [key]: given[key] });
  const props: DataMap = properties(kept);
  // The broker lowers the expiry by the time the message waited: only its presence is certain.
  if (given.messageExpiryInterval !== undefined) props['messageExpiryInterval'] = { present: true };
  return {
    type: 'publish',
    topic,
    payload: bytes(packet.payload, ctx.redactPayloads),
    qos: packet.qos,
    retain: packet.retain,
    ...(Object.keys(props).length > 0 && { properties: props }),
  };
}

/** Reason codes a broker may choose between for the same outcome (MQTT 5.0 3.4.2.1, 3.5.2.1). */
function successCode(type: string, code: number | undefined): Data | undefined {
  if (code === undefined) return undefined;
  if ((type === 'puback' || type === 'pubrec') && (code === 0x00 || code === 0x10))
    return { anyOf: [0x00, 0x10] };
  return code;
}

/** The pattern of a reply the broker sent (not PUBLISH, not CONNACK). */
export function replyPattern(packet: Packet, ctx: PacketContext): DataMap {
  switch (packet.type) {
    case 'puback':
    case 'pubrec':
    case 'pubcomp': {
      const reason = successCode(packet.type, packet.reasonCode);
      return {
        type: packet.type,
        packetId: packet.packetId,
        ...(reason !== undefined && { reasonCode: reason }),
      };
    }
    case 'pubrel': {
      const variable = ctx.brokerPacketId(packet.packetId);
      return {
        type: 'pubrel',
        packetId: variable !== undefined ? `\${${variable}}` : packet.packetId,
        ...(packet.reasonCode !== undefined && packet.reasonCode !== 0 && { reasonCode: packet.reasonCode }),
      };
    }
    case 'suback':
      return { type: 'suback', packetId: packet.packetId, reasonCodes: [...packet.reasonCodes] };
    case 'unsuback':
      return {
        type: 'unsuback',
        packetId: packet.packetId,
        ...(packet.reasonCodes !== undefined && { reasonCodes: unsubackCodes(packet.reasonCodes) }),
      };
    case 'disconnect':
    case 'auth':
      return { type: packet.type, ...(packet.reasonCode !== undefined && { reasonCode: packet.reasonCode }) };
    case 'pingresp':
    case 'connack':
    case 'publish':
    case 'connect':
    case 'pingreq':
    case 'subscribe':
    case 'unsubscribe':
      return { type: packet.type };
  }
}

/**
 * UNSUBACK codes: 0x00 and 0x11 (No subscription existed) are both success, and whether a broker
 * says 0x11 is its own choice; every combination is accepted for up to four filters.
 */
function unsubackCodes(codes: readonly number[]): Data {
  const success = (code: number): boolean => code === 0x00 || code === 0x11;
  if (codes.length > 4 || !codes.some(success)) return [...codes];
  let combinations: number[][] = [[]];
  for (const code of codes) {
    const choices = success(code) ? [0x00, 0x11] : [code];
    combinations = combinations.flatMap((head) => choices.map((choice) => [...head, choice]));
  }
  return { anyOf: combinations };
}
