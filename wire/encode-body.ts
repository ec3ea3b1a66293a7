// Variable header + payload of every packet type: bodySize() and writeBody() mirror each other.
import { MqttEncodeError } from './errors.js';
import { propertiesSize, writeBinary, writeProperties, writeString } from './properties.js';
import type {
  AckPacket,
  ConnectPacket,
  EncodeOverrides,
  Packet,
  Properties,
  ProtocolLevel,
  PublishPacket,
  SubscriptionRequest,
} from './types.js';
import { varintSize, writeVarint } from './varint.js';

type Ov = EncodeOverrides | undefined;

function strSize(s: string, raw: Buffer | undefined): number {
  if (raw !== undefined) return 2 + raw.length;
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 65_535) throw new MqttEncodeError('VALUE_OUT_OF_RANGE', `string of ${n} bytes exceeds 65535`);
  return 2 + n;
}

function putStr(buf: Buffer, off: number, s: string, raw: Buffer | undefined): number {
  return raw === undefined ? writeString(buf, off, s) : writeBinary(buf, off, raw);
}

function binSize(b: Buffer): number {
  if (b.length > 65_535)
    throw new MqttEncodeError('VALUE_OUT_OF_RANGE', `binary of ${b.length} bytes exceeds 65535`);
  return 2 + b.length;
}

/** Property Length + properties, or the raw replacement. */
function propsSectionSize(props: Properties | undefined, raw: Buffer | undefined): number {
  const n = raw !== undefined ? raw.length : propertiesSize(props);
  return varintSize(n) + n;
}

function putProps(buf: Buffer, off: number, props: Properties | undefined, raw: Buffer | undefined): number {
  if (raw !== undefined) {
    off = writeVarint(buf, off, raw.length);
    return off + raw.copy(buf, off);
  }
  off = writeVarint(buf, off, propertiesSize(props));
  return writeProperties(buf, off, props);
}

function hasProps(props: Properties | undefined): boolean {
  if (props === undefined) return false;
  for (const key in props) if (props[key as keyof Properties] !== undefined) return true;
  return false;
}

function connectFlags(p: ConnectPacket): number {
  let f = p.cleanStart ? 0x02 : 0;
  if (p.will !== undefined) f |= 0x04 | (p.will.qos << 3) | (p.will.retain ? 0x20 : 0);
  if (p.password !== undefined) f |= 0x40;
  if (p.username !== undefined) f |= 0x80;
  return f;
}

function connectSize(p: ConnectPacket, v: ProtocolLevel, ov: Ov): number {
  const raw = ov?.rawStrings;
  let n = strSize(p.protocolName, raw?.protocolName) + 4;
  if (v === 5) n += propsSectionSize(p.properties, ov?.rawProperties);
  n += strSize(p.clientId, raw?.clientId);
  if (p.will !== undefined) {
    if (v === 5) n += propsSectionSize(p.will.properties, ov?.rawWillProperties);
    n += strSize(p.will.topic, raw?.willTopic) + binSize(p.will.payload);
  }
  if (p.username !== undefined) n += strSize(p.username, raw?.username);
  if (p.password !== undefined) n += binSize(p.password);
  return n;
}

function writeConnect(buf: Buffer, off: number, p: ConnectPacket, v: ProtocolLevel, ov: Ov): number {
  const raw = ov?.rawStrings;
  off = putStr(buf, off, p.protocolName, raw?.protocolName);
  buf[off++] = p.protocolLevel & 0xff;
  buf[off++] = (ov?.connectFlags ?? connectFlags(p)) & 0xff;
  buf.writeUInt16BE(p.keepAlive, off);
  off += 2;
  if (v === 5) off = putProps(buf, off, p.properties, ov?.rawProperties);
  off = putStr(buf, off, p.clientId, raw?.clientId);
  if (p.will !== undefined) {
    if (v === 5) off = putProps(buf, off, p.will.properties, ov?.rawWillProperties);
    off = putStr(buf, off, p.will.topic, raw?.willTopic);
    off = writeBinary(buf, off, p.will.payload);
  }
  if (p.username !== undefined) off = putStr(buf, off, p.username, raw?.username);
  if (p.password !== undefined) off = writeBinary(buf, off, p.password);
  return off;
}

function publishSize(p: PublishPacket, v: ProtocolLevel, ov: Ov): number {
  let n = strSize(p.topic, ov?.rawStrings?.topic) + p.payload.length;
  if (p.qos > 0) n += 2;
  if (v === 5) n += propsSectionSize(p.properties, ov?.rawProperties);
  return n;
}

function writePublish(buf: Buffer, off: number, p: PublishPacket, v: ProtocolLevel, ov: Ov): number {
  off = putStr(buf, off, p.topic, ov?.rawStrings?.topic);
  if (p.qos > 0) {
    buf.writeUInt16BE(p.packetId ?? 0, off);
    off += 2;
  }
  if (v === 5) off = putProps(buf, off, p.properties, ov?.rawProperties);
  return off + p.payload.copy(buf, off);
}

/**
 * v5 packets whose Reason Code and properties are optional (acks, DISCONNECT, AUTH): the reason code is
 * written when given or when properties follow; the properties when non-empty (or raw).
 */
function optionalTailSize(reasonCode: number | undefined, props: Properties | undefined, ov: Ov): number {
  const withProps = ov?.rawProperties !== undefined || hasProps(props);
  if (withProps) return 1 + propsSectionSize(props, ov?.rawProperties);
  return reasonCode !== undefined ? 1 : 0;
}

function writeOptionalTail(
  buf: Buffer,
  off: number,
  reasonCode: number | undefined,
  props: Properties | undefined,
  ov: Ov,
): number {
  const withProps = ov?.rawProperties !== undefined || hasProps(props);
  if (withProps || reasonCode !== undefined) buf[off++] = reasonCode ?? 0;
  if (withProps) off = putProps(buf, off, props, ov?.rawProperties);
  return off;
}

function ackSize(p: AckPacket, v: ProtocolLevel, ov: Ov): number {
  return 2 + (v === 5 ? optionalTailSize(p.reasonCode, p.properties, ov) : 0);
}

function subscriptionOptions(s: SubscriptionRequest, v: ProtocolLevel): number {
  if (v !== 5) return s.qos;
  return (
    s.qos |
    (s.noLocal === true ? 0x04 : 0) |
    (s.retainAsPublished === true ? 0x08 : 0) |
    ((s.retainHandling ?? 0) << 4)
  );
}

export function bodySize(packet: Packet, v: ProtocolLevel, ov: Ov): number {
  switch (packet.type) {
    case 'connect':
      return connectSize(packet, v, ov);
    case 'connack':
      return 2 + (v === 5 ? propsSectionSize(packet.properties, ov?.rawProperties) : 0);
    case 'publish':
      return publishSize(packet, v, ov);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return ackSize(packet, v, ov);
    case 'subscribe': {
      let n = 2 + (v === 5 ? propsSectionSize(packet.properties, ov?.rawProperties) : 0);
      const raws = ov?.rawStrings?.topicFilters;
      packet.subscriptions.forEach((s, i) => (n += strSize(s.topicFilter, raws?.[i]) + 1));
      return n;
    }
    case 'suback':
      return (
        2 + (v === 5 ? propsSectionSize(packet.properties, ov?.rawProperties) : 0) + packet.reasonCodes.length
      );
    case 'unsubscribe': {
      let n = 2 + (v === 5 ? propsSectionSize(packet.properties, ov?.rawProperties) : 0);
      const raws = ov?.rawStrings?.topicFilters;
      packet.topicFilters.forEach((f, i) => (n += strSize(f, raws?.[i])));
      return n;
    }
    case 'unsuback':
      if (v !== 5) return 2;
      return 2 + propsSectionSize(packet.properties, ov?.rawProperties) + (packet.reasonCodes?.length ?? 0);
    case 'pingreq':
    case 'pingresp':
      return 0;
    case 'disconnect':
    case 'auth':
      return v === 5 || packet.type === 'auth'
        ? optionalTailSize(packet.reasonCode, packet.properties, ov)
        : 0;
  }
}

export function writeBody(buf: Buffer, off: number, packet: Packet, v: ProtocolLevel, ov: Ov): number {
  switch (packet.type) {
    case 'connect':
      return writeConnect(buf, off, packet, v, ov);
    case 'connack':
      buf[off++] = packet.sessionPresent ? 1 : 0;
      buf[off++] = packet.reasonCode & 0xff;
      return v === 5 ? putProps(buf, off, packet.properties, ov?.rawProperties) : off;
    case 'publish':
      return writePublish(buf, off, packet, v, ov);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      buf.writeUInt16BE(packet.packetId, off);
      off += 2;
      return v === 5 ? writeOptionalTail(buf, off, packet.reasonCode, packet.properties, ov) : off;
    case 'subscribe': {
      buf.writeUInt16BE(packet.packetId, off);
      off += 2;
      if (v === 5) off = putProps(buf, off, packet.properties, ov?.rawProperties);
      const raws = ov?.rawStrings?.topicFilters;
      const opts = ov?.subscriptionOptions;
      packet.subscriptions.forEach((s, i) => {
        off = putStr(buf, off, s.topicFilter, raws?.[i]);
        buf[off++] = (opts?.[i] ?? subscriptionOptions(s, v)) & 0xff;
      });
      return off;
    }
    case 'suback':
      buf.writeUInt16BE(packet.packetId, off);
      off += 2;
      if (v === 5) off = putProps(buf, off, packet.properties, ov?.rawProperties);
      for (const c of packet.reasonCodes) buf[off++] = c & 0xff;
      return off;
    case 'unsubscribe': {
      buf.writeUInt16BE(packet.packetId, off);
      off += 2;
      if (v === 5) off = putProps(buf, off, packet.properties, ov?.rawProperties);
      const raws = ov?.rawStrings?.topicFilters;
      packet.topicFilters.forEach((f, i) => (off = putStr(buf, off, f, raws?.[i])));
      return off;
    }
    case 'unsuback':
      buf.writeUInt16BE(packet.packetId, off);
      off += 2;
      if (v !== 5) return off;
      off = putProps(buf, off, packet.properties, ov?.rawProperties);
      for (const c of packet.reasonCodes ?? []) buf[off++] = c & 0xff;
      return off;
    case 'pingreq':
    case 'pingresp':
      return off;
    case 'disconnect':
    case 'auth':
      return v === 5 || packet.type === 'auth'
        ? writeOptionalTail(buf, off, packet.reasonCode, packet.properties, ov)
        : off;
  }
}
