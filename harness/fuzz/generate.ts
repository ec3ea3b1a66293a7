// Structured packet generation for the fuzzer: well-formed packets of every type for MQTT 3.1.1 and
// 5.0 (the wire encoder writes them), the same with deliberate deviations (EncodeOverrides: flags,
// remaining length, raw properties and strings), byte-level mutations of encoded packets, and
// random bytes. A fuzz case is one connection: a CONNECT (usually valid, so the broker reaches its
// packet handlers) followed by a few such packets, split at random boundaries.
import {
  encode,
  PACKET_TYPE_CODES,
  PROPERTY_TABLE,
  type EncodeOverrides,
  type Packet,
  type PacketTypeName,
  type Properties,
  type PropertyPlace,
  type ProtocolLevel,
  type QoS,
} from '../../wire/index.js';
import type { Random } from './random.js';

export const FUZZ_VERSIONS: readonly ProtocolLevel[] = [4, 5];
export const PACKET_TYPES = Object.keys(PACKET_TYPE_CODES) as PacketTypeName[];

/** One connection's worth of bytes and what each part was. */
export interface FuzzCase {
  id: number;
  version: ProtocolLevel;
  /** Written in order, each with its own write call. */
  chunks: Buffer[];
  /** One line per packet: how it was made. */
  parts: string[];
}

const TOPICS = [
  'fuzz/a',
  'fuzz/a/b/c',
  'fuzz/+/x',
  'fuzz/#',
  '#',
  '+',
  '/',
  '//',
  '',
  '$SYS/fuzz',
  'fuzz/\u00e9\u4e2d',
  'fuzz/\u0000nul',
  'fuzz/' + 'x'.repeat(300),
];

function topic(random: Random): string {
  return random.bool(0.1)
    ? `fuzz/${random.bytes(random.int(1, 40)).toString('latin1')}`
    : random.pick(TOPICS);
}

function qos(random: Random): QoS {
  return random.pick([0, 1, 2] as const);
}

function packetId(random: Random): number {
  return random.pick([0, 1, 2, 65535, random.int(1, 65535)]);
}

function payload(random: Random): Buffer {
  const size = random.pick([0, 1, 16, 200, random.int(0, 4096)]);
  return random.bytes(size);
}

/** A random selection of properties valid for `place` (v5), sometimes with out-of-range values. */
function properties(random: Random, place: PropertyPlace): Properties | undefined {
  if (!random.bool(0.6)) return undefined;
  const result: Record<string, unknown> = {};
  const candidates = PROPERTY_TABLE.filter((definition) =>
    place === 'will' ? definition.inWill : definition.packets.includes(place),
  );
  for (const definition of candidates) {
    if (!random.bool(0.3)) continue;
    switch (definition.type) {
      case 'byte':
        result[definition.name] = random.pick([0, 1, 2, 255]);
        break;
      case 'uint16':
        result[definition.name] = random.pick([0, 1, 10, 65535]);
        break;
      case 'uint32':
        result[definition.name] = random.pick([0, 1, 60, 4294967295]);
        break;
      case 'varint':
        result[definition.name] = random.pick([1, 127, 268435455]);
        break;
      case 'utf8':
        result[definition.name] = topic(random);
        break;
      case 'binary':
        result[definition.name] = random.bytes(random.int(0, 32));
        break;
      case 'pair':
        result[definition.name] = [[topic(random), topic(random)]];
        break;
    }
  }
  return result as Properties;
}

/** A packet of `type` with random (mostly valid) fields. */
export function generatePacket(random: Random, version: ProtocolLevel, type: PacketTypeName): Packet {
  const v5 = version === 5;
  const props: PropertiesOf = (place) => {
    const value = v5 ? properties(random, place) : undefined;
    return value === undefined ? {} : { properties: value };
  };
  switch (type) {
    case 'connect':
      return generateConnect(random, version, props);
    case 'connack':
      return { type, sessionPresent: random.bool(), reasonCode: random.int(0, 255), ...props('connack') };
    case 'publish': {
      const level = qos(random);
      return {
        type,
        topic: topic(random),
        payload: payload(random),
        qos: level,
        retain: random.bool(0.1),
        dup: random.bool(0.1),
        ...(level > 0 ? { packetId: packetId(random) } : {}),
        ...props('publish'),
      };
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return {
        type,
        packetId: packetId(random),
        ...(v5 && random.bool() ? { reasonCode: random.pick([0, 16, 128, 131, 146, 255]) } : {}),
        ...props(type),
      };
    case 'subscribe':
      return generateSubscribe(random, v5, props);
    case 'suback':
      return { type, packetId: packetId(random), reasonCodes: [random.int(0, 255)], ...props('suback') };
    case 'unsubscribe':
      return {
        type,
        packetId: packetId(random),
        topicFilters: Array.from({ length: random.int(1, 3) }, () => topic(random)),
        ...props('unsubscribe'),
      };
    case 'unsuback':
      return {
        type,
        packetId: packetId(random),
        ...(v5 ? { reasonCodes: [random.int(0, 255)] } : {}),
        ...props('unsuback'),
      };
    case 'pingreq':
    case 'pingresp':
      return { type };
    case 'disconnect':
      return {
        type,
        ...(v5 && random.bool() ? { reasonCode: random.pick([0, 4, 128, 142]) } : {}),
        ...props('disconnect'),
      };
    case 'auth':
      return { type, ...(v5 ? { reasonCode: random.pick([0, 24, 25]) } : {}), ...props('auth') };
  }
}

type PropertiesOf = (place: PropertyPlace) => { properties?: Properties };

/** CONNECT; the random draws keep their order (a seed must give the same packets). */
function generateConnect(random: Random, version: ProtocolLevel, props: PropertiesOf): Packet {
  const v5 = version === 5;
  return {
    type: 'connect',
    protocolName: v5 || version === 4 ? 'MQTT' : 'MQIsdp',
    protocolLevel: version,
    cleanStart: random.bool(0.8),
    keepAlive: random.pick([0, 1, 30, 65535]),
    clientId: random.bool(0.1) ? '' : `fuzz-${random.int(0, 1e9).toString(36)}`,
    ...(random.bool(0.3)
      ? {
          will: {
            topic: random.pick(['fuzz/will', 'fuzz/will/x', topic(random)]),
            payload: payload(random),
            qos: qos(random),
            retain: random.bool(0.2),
            ...props('will'),
          },
        }
      : {}),
    ...(random.bool(0.2) ? { username: topic(random) } : {}),
    ...(random.bool(0.1) ? { password: random.bytes(random.int(0, 20)) } : {}),
    ...props('connect'),
  };
}

function generateSubscribe(random: Random, v5: boolean, props: PropertiesOf): Packet {
  return {
    type: 'subscribe',
    packetId: packetId(random),
    subscriptions: Array.from({ length: random.int(1, 4) }, () => ({
      topicFilter: topic(random),
      qos: qos(random),
      ...(v5 ? { noLocal: random.bool(), retainAsPublished: random.bool() } : {}),
      ...(v5 ? { retainHandling: random.pick([0, 1, 2] as const) } : {}),
    })),
    ...props('subscribe'),
  };
}

/** Deliberate deviations the encoder can write (each one a protocol violation or an edge). */
export function generateOverrides(random: Random, type: PacketTypeName): EncodeOverrides {
  switch (random.int(0, 7)) {
    case 0:
      return { flags: random.int(0, 15) };
    case 1:
      return { typeCode: random.pick([0, 15, random.int(0, 15)]) };
    case 2:
      return { remainingLengthBytes: random.int(1, 4) };
    case 3:
      return type === 'connect' ? { connectFlags: random.int(0, 255) } : { trailing: random.bytes(3) };
    case 4:
      return { rawProperties: random.bytes(random.int(0, 24)) };
    case 5:
      return { rawStrings: { topic: random.bytes(random.int(0, 12)), clientId: random.bytes(4) } };
    case 6:
      return { trailing: random.bytes(random.int(1, 16)) };
    default:
      return { remainingLength: random.pick([0, 1, 127, 128, 16383, 268435455]) };
  }
}

/** Byte-level mutation of an encoded packet. */
export function mutateBytes(random: Random, bytes: Buffer): { bytes: Buffer; how: string } {
  const copy = Buffer.from(bytes);
  // Nothing to flip, cut or overwrite in an empty packet: only adding bytes changes it.
  if (copy.length === 0) return { bytes: random.bytes(random.int(1, 32)), how: 'bytes appended' };
  const at = random.int(0, copy.length - 1);
  switch (random.int(0, 5)) {
    case 0:
      if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ (1 << random.int(0, 7));
      return { bytes: copy, how: `bit flip at ${at}` };
    case 1:
      return { bytes: copy.subarray(0, at), how: `truncated to ${at}` };
    case 2:
      return { bytes: Buffer.concat([copy, random.bytes(random.int(1, 32))]), how: 'bytes appended' };
    case 3:
      if (copy.length > 0) {
        const edge = random.pick([0x00, 0x7f, 0x80, 0xff]);
        copy[at] = copy[at] === edge ? edge ^ 0xff : edge;
      }
      return { bytes: copy, how: `byte ${at} set to an edge value` };
    case 4:
      return { bytes: Buffer.concat([copy, copy]), how: 'doubled' };
    default: {
      const head = Buffer.from([copy[0] ?? 0x30, 0xff, 0xff, 0xff, 0x7f]);
      return { bytes: Buffer.concat([head, copy.subarray(2)]), how: 'maximal remaining length' };
    }
  }
}

/** One packet's bytes: generated, generated with deviations, mutated, or random. */
export function fuzzPacket(
  random: Random,
  version: ProtocolLevel,
  type: PacketTypeName,
): { bytes: Buffer; how: string } {
  const packet = generatePacket(random, version, type);
  const roll = random.next();
  try {
    if (roll < 0.5) return { bytes: encode(packet, version), how: `${type} v${version}` };
    if (roll < 0.7) {
      const overrides = generateOverrides(random, type);
      return {
        bytes: encode(packet, version, overrides),
        how: `${type} v${version} with ${Object.keys(overrides).join(',')}`,
      };
    }
    if (roll < 0.95) {
      const mutated = mutateBytes(random, encode(packet, version));
      return { bytes: mutated.bytes, how: `${type} v${version}, ${mutated.how}` };
    }
  } catch (error) {
    return {
      bytes: random.bytes(random.int(1, 64)),
      how: `random bytes (${type}: ${(error as Error).message})`,
    };
  }
  return { bytes: random.bytes(random.int(1, 64)), how: 'random bytes' };
}

/** A whole connection: CONNECT first (valid 80 % of the time), then 1-8 packets of any type. */
export function fuzzCase(random: Random, id: number): FuzzCase {
  const version = random.pick(FUZZ_VERSIONS);
  const parts: string[] = [];
  const bytes: Buffer[] = [];
  if (random.bool(0.8)) {
    bytes.push(encode(generatePacket(random, version, 'connect'), version));
    parts.push(`connect v${version}`);
  } else {
    const first = fuzzPacket(random, version, 'connect');
    bytes.push(first.bytes);
    parts.push(first.how);
  }
  const count = random.int(1, 8);
  for (let i = 0; i < count; i++) {
    const next = fuzzPacket(random, version, random.pick(PACKET_TYPES));
    bytes.push(next.bytes);
    parts.push(next.how);
  }
  return { id, version, chunks: split(random, Buffer.concat(bytes)), parts };
}

/** Splits a stream at random boundaries (brokers must reassemble packets across reads). */
function split(random: Random, stream: Buffer): Buffer[] {
  if (stream.length < 2 || random.bool(0.5)) return [stream];
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < stream.length) {
    const size = random.int(1, Math.max(1, Math.min(256, stream.length - offset)));
    chunks.push(stream.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}
