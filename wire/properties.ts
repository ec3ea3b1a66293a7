// MQTT 5.0 properties (section 2.2.2.2): the table, and how to decode, measure and write them.
import { MqttEncodeError, malformed, protocolError } from './errors.js';
import type { Reader } from './reader.js';
import type { PacketTypeName, Properties, UserProperty } from './types.js';
import { varintSize, writeVarint } from './varint.js';

export type PropertyType = 'byte' | 'uint16' | 'uint32' | 'varint' | 'utf8' | 'binary' | 'pair';
/** Where a property may appear: a packet type, or 'will' for the Will Properties of CONNECT. */
export type PropertyPlace = PacketTypeName | 'will';

export interface PropertyDefinition {
  id: number;
  name: keyof Properties;
  type: PropertyType;
  packets: PacketTypeName[];
  /** Allowed in the Will Properties of CONNECT. */
  inWill: boolean;
  /** May appear more than once in one packet (user properties; subscription identifiers in PUBLISH). */
  repeatable: boolean;
}

const ACKS: PacketTypeName[] = ['puback', 'pubrec', 'pubrel', 'pubcomp'];

function def(
  id: number,
  name: keyof Properties,
  type: PropertyType,
  packets: PacketTypeName[],
  inWill = false,
  repeatable = false,
): PropertyDefinition {
  return { id, name, type, packets, inWill, repeatable };
}

export const PROPERTY_TABLE: readonly PropertyDefinition[] = [
  def(0x01, 'payloadFormatIndicator', 'byte', ['publish'], true),
  def(0x02, 'messageExpiryInterval', 'uint32', ['publish'], true),
  def(0x03, 'contentType', 'utf8', ['publish'], true),
  def(0x08, 'responseTopic', 'utf8', ['publish'], true),
  def(0x09, 'correlationData', 'binary', ['publish'], true),
  def(0x0b, 'subscriptionIdentifier', 'varint', ['publish', 'subscribe'], false, true),
  def(0x11, 'sessionExpiryInterval', 'uint32', ['connect', 'connack', 'disconnect']),
  def(0x12, 'assignedClientIdentifier', 'utf8', ['connack']),
  def(0x13, 'serverKeepAlive', 'uint16', ['connack']),
  def(0x15, 'authenticationMethod', 'utf8', ['connect', 'connack', 'auth']),
  def(0x16, 'authenticationData', 'binary', ['connect', 'connack', 'auth']),
  def(0x17, 'requestProblemInformation', 'byte', ['connect']),
  def(0x18, 'willDelayInterval', 'uint32', [], true),
  def(0x19, 'requestResponseInformation', 'byte', ['connect']),
  def(0x1a, 'responseInformation', 'utf8', ['connack']),
  def(0x1c, 'serverReference', 'utf8', ['connack', 'disconnect']),
  def(0x1f, 'reasonString', 'utf8', ['connack', ...ACKS, 'suback', 'unsuback', 'disconnect', 'auth']),
  def(0x21, 'receiveMaximum', 'uint16', ['connect', 'connack']),
  def(0x22, 'topicAliasMaximum', 'uint16', ['connect', 'connack']),
  def(0x23, 'topicAlias', 'uint16', ['publish']),
  def(0x24, 'maximumQoS', 'byte', ['connack']),
  def(0x25, 'retainAvailable', 'byte', ['connack']),
  def(
    0x26,
    'userProperties',
    'pair',
    [
      'connect',
      'connack',
      'publish',
      ...ACKS,
      'subscribe',
      'suback',
      'unsubscribe',
      'unsuback',
      'disconnect',
      'auth',
    ],
    true,
    true,
  ),
  def(0x27, 'maximumPacketSize', 'uint32', ['connect', 'connack']),
  def(0x28, 'wildcardSubscriptionAvailable', 'byte', ['connack']),
  def(0x29, 'subscriptionIdentifiersAvailable', 'byte', ['connack']),
  def(0x2a, 'sharedSubscriptionAvailable', 'byte', ['connack']),
];

const BY_ID: (PropertyDefinition | undefined)[] = new Array<PropertyDefinition | undefined>(256).fill(
  undefined,
);
const BY_NAME = new Map<string, PropertyDefinition>();
for (const p of PROPERTY_TABLE) {
  BY_ID[p.id] = p;
  BY_NAME.set(p.name, p);
}

export function propertyById(id: number): PropertyDefinition | undefined {
  return BY_ID[id];
}
export function propertyByName(name: string): PropertyDefinition | undefined {
  return BY_NAME.get(name);
}

function allowedIn(p: PropertyDefinition, place: PropertyPlace): boolean {
  return place === 'will' ? p.inWill : p.packets.includes(place);
}

/** Byte properties whose only legal values are 0 and 1. */
const BOOLEAN_BYTES = new Set<keyof Properties>([
  'payloadFormatIndicator',
  'requestProblemInformation',
  'requestResponseInformation',
  'maximumQoS',
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'sharedSubscriptionAvailable',
]);

function checkValue(p: PropertyDefinition, value: number): void {
  if (BOOLEAN_BYTES.has(p.name) && value > 1) {
    throw protocolError(`${p.name} must be 0 or 1, got ${value}`);
  }
  if (value === 0) {
    if (p.name === 'topicAlias') throw protocolError('Topic Alias 0 is not allowed', 'MQTT-3.3.2-8', 0x94);
    if (
      p.name === 'receiveMaximum' ||
      p.name === 'maximumPacketSize' ||
      p.name === 'subscriptionIdentifier'
    ) {
      throw protocolError(`${p.name} must not be 0`);
    }
  }
}

/**
 * Reads a Property Length and the properties after it. Returns undefined when there are none.
 * Unknown identifiers are a Malformed Packet (0x81); a property not allowed in `place`, or repeated when
 * it may appear only once, is a Protocol Error (0x82).
 */
export function decodeProperties(r: Reader, place: PropertyPlace): Properties | undefined {
  const length = r.varint('property length');
  if (length === 0) return undefined;
  if (length > r.remaining()) throw malformed('property length runs past the end of the packet');
  const end = r.pos + length;
  const outerEnd = r.end;
  r.end = end;
  const props: Record<string, unknown> = {};
  while (r.pos < end) {
    const id = r.varint('property identifier');
    const p = id < 256 ? BY_ID[id] : undefined;
    if (p === undefined) throw malformed(`unknown property identifier 0x${id.toString(16)}`);
    if (!allowedIn(p, place)) throw protocolError(`property ${p.name} is not allowed in ${place}`);
    let value: unknown;
    switch (p.type) {
      case 'byte':
        value = r.u8(p.name);
        break;
      case 'uint16':
        value = r.u16(p.name);
        break;
      case 'uint32':
        value = r.u32(p.name);
        break;
      case 'varint':
        value = r.varint(p.name);
        break;
      case 'utf8':
        value = r.utf8(p.name);
        break;
      case 'binary':
        value = r.binary(p.name);
        break;
      case 'pair': {
        const name = r.utf8('user property name');
        const val = r.utf8('user property value');
        value = [name, val] as UserProperty;
        break;
      }
    }
    if (typeof value === 'number') checkValue(p, value);
    const existing = props[p.name];
    if (p.type === 'pair') {
      if (existing === undefined) props[p.name] = [value];
      else (existing as unknown[]).push(value);
    } else if (existing !== undefined) {
      // Subscription Identifier may repeat in PUBLISH only (server to client).
      if (!p.repeatable || place !== 'publish')
        throw protocolError(`property ${p.name} appears more than once`);
      if (Array.isArray(existing)) existing.push(value);
      else props[p.name] = [existing, value];
    } else {
      props[p.name] = value;
    }
  }
  r.end = outerEnd;
  if (props['authenticationData'] !== undefined && props['authenticationMethod'] === undefined) {
    throw protocolError('Authentication Data without Authentication Method');
  }
  return props as Properties;
}

function valueSize(p: PropertyDefinition, value: unknown): number {
  switch (p.type) {
    case 'byte':
      return 1;
    case 'uint16':
      return 2;
    case 'uint32':
      return 4;
    case 'varint':
      return varintSize(value as number);
    case 'utf8':
      return 2 + stringSize(value as string);
    case 'binary':
      return 2 + (value as Buffer).length;
    case 'pair': {
      const [k, v] = value as UserProperty;
      return 4 + stringSize(k) + stringSize(v);
    }
  }
}

function stringSize(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 65_535) throw new MqttEncodeError('VALUE_OUT_OF_RANGE', `string of ${n} bytes exceeds 65535`);
  return n;
}

/** Size of the encoded properties, without the Property Length prefix. */
export function propertiesSize(props: Properties | undefined): number {
  if (props === undefined) return 0;
  let size = 0;
  for (const key in props) {
    const value = props[key as keyof Properties];
    if (value === undefined) continue;
    const p = BY_NAME.get(key);
    if (p === undefined) throw new MqttEncodeError('VALUE_OUT_OF_RANGE', `unknown property ${key}`);
    if (Array.isArray(value) && (p.type === 'pair' || p.type === 'varint')) {
      for (const item of value as unknown[]) size += 1 + valueSize(p, item);
    } else {
      size += 1 + valueSize(p, value);
    }
  }
  return size;
}

function writeValue(buf: Buffer, off: number, p: PropertyDefinition, value: unknown): number {
  buf[off++] = p.id;
  switch (p.type) {
    case 'byte':
      buf[off] = value as number;
      return off + 1;
    case 'uint16':
      buf.writeUInt16BE(value as number, off);
      return off + 2;
    case 'uint32':
      buf.writeUInt32BE(value as number, off);
      return off + 4;
    case 'varint':
      return writeVarint(buf, off, value as number);
    case 'utf8':
      return writeString(buf, off, value as string);
    case 'binary':
      return writeBinary(buf, off, value as Buffer);
    case 'pair': {
      const [k, v] = value as UserProperty;
      return writeString(buf, writeString(buf, off, k), v);
    }
  }
}

/** Writes the properties (without the length prefix); `size` is propertiesSize(props). */
export function writeProperties(buf: Buffer, off: number, props: Properties | undefined): number {
  if (props === undefined) return off;
  for (const key in props) {
    const value = props[key as keyof Properties];
    if (value === undefined) continue;
    const p = BY_NAME.get(key)!;
    if (Array.isArray(value) && (p.type === 'pair' || p.type === 'varint')) {
      for (const item of value as unknown[]) off = writeValue(buf, off, p, item);
    } else {
      off = writeValue(buf, off, p, value);
    }
  }
  return off;
}

export function writeString(buf: Buffer, off: number, s: string): number {
  const n = buf.write(s, off + 2, 'utf8');
  buf.writeUInt16BE(n, off);
  return off + 2 + n;
}

export function writeBinary(buf: Buffer, off: number, b: Buffer): number {
  if (b.length > 65_535)
    throw new MqttEncodeError('VALUE_OUT_OF_RANGE', `binary of ${b.length} bytes exceeds 65535`);
  buf.writeUInt16BE(b.length, off);
  b.copy(buf, off + 2);
  return off + 2 + b.length;
}
