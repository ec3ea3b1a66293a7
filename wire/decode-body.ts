// Bodies of every packet type except CONNECT. The fixed header was checked by the decoder already.
import { malformed, protocolError, statementFor } from './errors.js';
import { decodeProperties } from './properties.js';
import type { Reader } from './reader.js';
import { VALID_REASON_CODES } from './reason-codes.js';
import type {
  AckPacket,
  AuthPacket,
  ConnackPacket,
  DisconnectPacket,
  PacketTypeName,
  PublishPacket,
  QoS,
  SubackPacket,
  SubscribePacket,
  SubscriptionRequest,
  UnsubackPacket,
  UnsubscribePacket,
} from './types.js';

export type Role = 'server' | 'client';

/** Statement naming the reason codes a v5 packet type may carry. */
const REASON_STATEMENT: Partial<Record<PacketTypeName, string>> = {
  connack: 'MQTT-3.2.2-8',
  puback: 'MQTT-3.4.2-1',
  pubrec: 'MQTT-3.5.2-1',
  pubrel: 'MQTT-3.6.2-1',
  pubcomp: 'MQTT-3.7.2-1',
  suback: 'MQTT-3.9.3-2',
  unsuback: 'MQTT-3.11.3-2',
  disconnect: 'MQTT-3.14.2-1',
  auth: 'MQTT-3.15.2-1',
};

function reasonCode(r: Reader, type: PacketTypeName): number {
  const code = r.u8('reason code');
  if (!VALID_REASON_CODES[type]!.has(code)) {
    throw malformed(`reason code 0x${code.toString(16)} is not valid in ${type}`, REASON_STATEMENT[type]);
  }
  return code;
}

/** Packet identifier that must be non-zero (PUBLISH QoS>0, SUBSCRIBE, UNSUBSCRIBE). */
function nonZeroPacketId(r: Reader, role: Role): number {
  const id = r.u16('packet identifier');
  if (id === 0) {
    const v5 = role === 'server' ? 'MQTT-2.2.1-3' : 'MQTT-2.2.1-4';
    throw malformed('packet identifier 0', statementFor(r.version, 'MQTT-2.3.1-1', v5));
  }
  return id;
}

export function decodeConnack(r: Reader): ConnackPacket {
  const ackFlags = r.u8('connect acknowledge flags');
  if ((ackFlags & 0xfe) !== 0) {
    throw malformed('CONNACK reserved flags are set', statementFor(r.version, undefined, 'MQTT-3.2.2-1'));
  }
  const sessionPresent = (ackFlags & 0x01) !== 0;
  let code: number;
  if (r.version === 5) {
    code = reasonCode(r, 'connack');
  } else {
    code = r.u8('return code');
    if (code > 5) throw malformed(`reserved CONNACK return code ${code}`);
  }
  if (sessionPresent && code !== 0) {
    throw protocolError(
      'Session Present set with a non-zero code',
      statementFor(r.version, 'MQTT-3.2.2-4', 'MQTT-3.2.2-6'),
    );
  }
  const packet: ConnackPacket = { type: 'connack', sessionPresent, reasonCode: code };
  if (r.version === 5) {
    const props = decodeProperties(r, 'connack');
    if (props !== undefined) packet.properties = props;
  }
  r.expectEnd('CONNACK');
  return packet;
}

export function decodePublish(r: Reader, flags: number, role: Role): PublishPacket {
  const qos = ((flags >> 1) & 0x03) as QoS;
  const dup = (flags & 0x08) !== 0;
  // QoS 3 was rejected with the fixed header [MQTT-3.3.1-4].
  if (dup && qos === 0) throw malformed('DUP set on a QoS 0 PUBLISH', 'MQTT-3.3.1-2');
  const topic = r.utf8('topic name');
  if (topic.includes('+') || topic.includes('#')) {
    throw malformed(`topic name ${JSON.stringify(topic)} contains a wildcard`, 'MQTT-3.3.2-2', 0x90);
  }
  const packet: PublishPacket = {
    type: 'publish',
    topic,
    payload: EMPTY,
    qos,
    retain: (flags & 0x01) !== 0,
    dup,
  };
  if (qos > 0) packet.packetId = nonZeroPacketId(r, role);
  if (r.version === 5) {
    const props = decodeProperties(r, 'publish');
    if (props !== undefined) {
      if (role === 'server' && props.subscriptionIdentifier !== undefined) {
        throw protocolError('Subscription Identifier in a PUBLISH from a client', 'MQTT-3.3.4-6');
      }
      packet.properties = props;
    }
    if (topic.length === 0 && props?.topicAlias === undefined) {
      throw protocolError('empty topic name without a Topic Alias');
    }
  } else if (topic.length === 0) {
    throw malformed('empty topic name', 'MQTT-4.7.3-1');
  }
  packet.payload = r.rest();
  return packet;
}

const EMPTY = Buffer.alloc(0);

export function decodeAck(r: Reader, type: AckPacket['type']): AckPacket {
  const packet: AckPacket = { type, packetId: r.u16('packet identifier') };
  if (r.version === 5 && r.remaining() > 0) {
    packet.reasonCode = reasonCode(r, type);
    if (r.remaining() > 0) {
      const props = decodeProperties(r, type);
      if (props !== undefined) packet.properties = props;
    }
  }
  r.expectEnd(type.toUpperCase());
  return packet;
}

function subscription(r: Reader): SubscriptionRequest {
  const topicFilter = r.utf8('topic filter');
  const options = r.u8('subscription options');
  const qos = options & 0x03;
  if (r.version !== 5) {
    // The 3.1.1 text numbers this rule [MQTT-3-8.3-4] (sic).
    if ((options & 0xfc) !== 0)
      throw malformed('reserved bits set in the requested QoS byte', 'MQTT-3.8.3-4');
    if (qos === 3) throw malformed('requested QoS 3', 'MQTT-3.8.3-4');
    return { topicFilter, qos: qos as QoS };
  }
  if ((options & 0xc0) !== 0) throw malformed('reserved bits set in subscription options', 'MQTT-3.8.3-5');
  if (qos === 3) throw protocolError('Maximum QoS 3 in subscription options');
  const retainHandling = (options >> 4) & 0x03;
  if (retainHandling === 3) throw protocolError('Retain Handling 3 in subscription options');
  const noLocal = (options & 0x04) !== 0;
  if (noLocal && topicFilter.startsWith('$share/')) {
    throw protocolError('No Local set on a shared subscription', 'MQTT-3.8.3-4');
  }
  return {
    topicFilter,
    qos: qos as QoS,
    noLocal,
    retainAsPublished: (options & 0x08) !== 0,
    retainHandling: retainHandling as 0 | 1 | 2,
  };
}

export function decodeSubscribe(r: Reader, role: Role): SubscribePacket {
  const packet: SubscribePacket = {
    type: 'subscribe',
    packetId: nonZeroPacketId(r, role),
    subscriptions: [],
  };
  if (r.version === 5) {
    const props = decodeProperties(r, 'subscribe');
    if (props !== undefined) packet.properties = props;
  }
  while (r.remaining() > 0) packet.subscriptions.push(subscription(r));
  if (packet.subscriptions.length === 0) {
    throw protocolError(
      'SUBSCRIBE without any topic filter',
      statementFor(r.version, 'MQTT-3.8.3-3', 'MQTT-3.8.3-2'),
    );
  }
  return packet;
}

function reasonCodeList(r: Reader, type: 'suback' | 'unsuback'): number[] {
  const n = r.remaining();
  if (n === 0) throw malformed(`${type.toUpperCase()} without any reason code`);
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const code = r.u8('reason code');
    if (r.version === 5) {
      if (!VALID_REASON_CODES[type]!.has(code)) {
        throw malformed(`reason code 0x${code.toString(16)} is not valid in ${type}`, REASON_STATEMENT[type]);
      }
    } else if (code > 2 && code !== 0x80) {
      throw malformed(`reserved SUBACK return code 0x${code.toString(16)}`, 'MQTT-3.9.3-2');
    }
    codes[i] = code;
  }
  return codes;
}

export function decodeSuback(r: Reader): SubackPacket {
  const packet: SubackPacket = { type: 'suback', packetId: r.u16('packet identifier'), reasonCodes: [] };
  if (r.version === 5) {
    const props = decodeProperties(r, 'suback');
    if (props !== undefined) packet.properties = props;
  }
  packet.reasonCodes = reasonCodeList(r, 'suback');
  return packet;
}

export function decodeUnsubscribe(r: Reader, role: Role): UnsubscribePacket {
  const packet: UnsubscribePacket = {
    type: 'unsubscribe',
    packetId: nonZeroPacketId(r, role),
    topicFilters: [],
  };
  if (r.version === 5) {
    const props = decodeProperties(r, 'unsubscribe');
    if (props !== undefined) packet.properties = props;
  }
  while (r.remaining() > 0) packet.topicFilters.push(r.utf8('topic filter'));
  if (packet.topicFilters.length === 0)
    throw protocolError('UNSUBSCRIBE without any topic filter', 'MQTT-3.10.3-2');
  return packet;
}

export function decodeUnsuback(r: Reader): UnsubackPacket {
  const packet: UnsubackPacket = { type: 'unsuback', packetId: r.u16('packet identifier') };
  if (r.version === 5) {
    const props = decodeProperties(r, 'unsuback');
    if (props !== undefined) packet.properties = props;
    packet.reasonCodes = reasonCodeList(r, 'unsuback');
  }
  r.expectEnd('UNSUBACK');
  return packet;
}

export function decodeDisconnect(r: Reader, role: Role): DisconnectPacket {
  const packet: DisconnectPacket = { type: 'disconnect' };
  if (r.version === 5 && r.remaining() > 0) {
    packet.reasonCode = reasonCode(r, 'disconnect');
    if (r.remaining() > 0) {
      const props = decodeProperties(r, 'disconnect');
      if (props !== undefined) {
        if (role === 'client' && props.sessionExpiryInterval !== undefined) {
          throw protocolError('Session Expiry Interval in a DISCONNECT from the server', 'MQTT-3.14.2-2');
        }
        packet.properties = props;
      }
    }
  }
  r.expectEnd('DISCONNECT');
  return packet;
}

export function decodeAuth(r: Reader): AuthPacket {
  const packet: AuthPacket = { type: 'auth' };
  if (r.remaining() > 0) {
    packet.reasonCode = reasonCode(r, 'auth');
    if (r.remaining() > 0) {
      const props = decodeProperties(r, 'auth');
      if (props !== undefined) packet.properties = props;
    }
  }
  r.expectEnd('AUTH');
  return packet;
}
