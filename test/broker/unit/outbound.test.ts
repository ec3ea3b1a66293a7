import { describe, expect, it } from 'vitest';
import { PacketDecoder, encode } from '../../../wire/index.js';
import type { ProtocolLevel, PublishPacket, QoS } from '../../../wire/types.js';
import { PublishEncoder } from '../../../broker/outbound.js';
import type { Message } from '../../../broker/session/message.js';
import type { OutboundPublish } from '../../../broker/session/session.js';

const plainLimits = { topicAliasMaximum: 0, maximumPacketSize: Infinity };
const none: ReadonlySet<never> = new Set();

function message(topic: string, payload: Buffer, properties?: Message['properties']): Message {
  return {
    topic,
    payload,
    qos: 2,
    retain: false,
    properties,
    expiresAt: undefined,
    expiryInterval: undefined,
    publisherId: 'p',
  };
}

function delivery(
  m: Message,
  qos: QoS,
  packetId: number | undefined,
  retain = false,
  dup = false,
): OutboundPublish {
  return { message: m, qos, retain, dup, packetId, subscriptionIds: [] };
}

function decodeOne(bytes: Buffer, version: ProtocolLevel): PublishPacket {
  const packets = new PacketDecoder({ role: 'client', version }).push(bytes);
  expect(packets).toHaveLength(1);
  const packet = packets[0];
  if (packet?.type !== 'publish') throw new Error('not a PUBLISH');
  return packet;
}

describe('PublishEncoder: one encoding per message variant, shared by connections', () => {
  it('gives every subscriber the same bytes a full encode would, with its own packet id', () => {
    const long = Buffer.alloc(300, 0x61); // two-byte remaining length
    for (const version of [3, 4, 5] as ProtocolLevel[]) {
      const m = message(`t/${version}/é`, long, version === 5 ? { contentType: 'text/plain' } : undefined);
      const encoders = [1, 2, 3].map(() => new PublishEncoder(version, plainLimits, none));
      const cases: [QoS, number | undefined, boolean, boolean][] = [
        [0, undefined, false, false],
        [1, 7, false, false],
        [1, 65535, true, false],
        [2, 300, false, true],
        [0, undefined, true, false],
      ];
      for (const [qos, packetId, retain, dup] of cases) {
        for (const [index, encoder] of encoders.entries()) {
          const id = packetId === undefined ? undefined : packetId - index;
          const bytes = encoder.encode(delivery(m, qos, id, retain, dup), Date.now());
          const expected: PublishPacket = {
            type: 'publish',
            topic: m.topic,
            payload: long,
            qos,
            retain,
            dup,
          };
          if (id !== undefined) expected.packetId = id;
          if (version === 5 && m.properties !== undefined) expected.properties = m.properties;
          expect(bytes).toEqual(encode(expected, version));
          const decoded = decodeOne(bytes ?? Buffer.alloc(0), version);
          expect(decoded.packetId).toBe(id);
          expect(decoded.qos).toBe(qos);
        }
      }
    }
  });

  it('a QoS 1 copy is not changed by the next subscriber’s packet id', () => {
    const m = message('a/b', Buffer.from('x'));
    const first = new PublishEncoder(4, plainLimits, none).encode(delivery(m, 1, 1), 0);
    const second = new PublishEncoder(4, plainLimits, none).encode(delivery(m, 1, 2), 0);
    expect(decodeOne(first ?? Buffer.alloc(0), 4).packetId).toBe(1);
    expect(decodeOne(second ?? Buffer.alloc(0), 4).packetId).toBe(2);
  });

  it('still drops a shared encoding larger than one client’s Maximum Packet Size, for that client only', () => {
    const m = message('big', Buffer.alloc(100));
    const small = new PublishEncoder(5, { topicAliasMaximum: 0, maximumPacketSize: 50 }, none);
    const large = new PublishEncoder(5, plainLimits, none);
    expect(small.encode(delivery(m, 0, undefined), 0)).toBeUndefined();
    expect(large.encode(delivery(m, 0, undefined), 0)).toBeInstanceOf(Buffer);
  });

  it('shares v5 copies with per-delivery properties by their values, and keeps them apart', () => {
    const now = 1_000_000;
    const m: Message = {
      ...message('s/p', Buffer.from('z'), { contentType: 'c' }),
      expiresAt: now + 5000,
      expiryInterval: 9,
    };
    const encoder = (): PublishEncoder => new PublishEncoder(5, plainLimits, none);
    const copy = (ids: number[], qos: QoS, packetId: number | undefined, at = now): Buffer =>
      encoder().encode({ ...delivery(m, qos, packetId), subscriptionIds: ids }, at) ?? Buffer.alloc(0);
    const full = (ids: number[], qos: QoS, packetId: number | undefined, expiry: number): Buffer => {
      const properties: Message['properties'] = { contentType: 'c', messageExpiryInterval: expiry };
      if (ids.length > 0) properties.subscriptionIdentifier = ids.length === 1 ? ids[0]! : ids;
      const packet: PublishPacket = {
        type: 'publish',
        topic: 's/p',
        payload: Buffer.from('z'),
        qos,
        retain: false,
        dup: false,
        properties,
      };
      if (packetId !== undefined) packet.packetId = packetId;
      return encode(packet, 5);
    };
    // Same values in any order of deliveries: each copy equals its full encoding.
    const rows: [number[], QoS, number | undefined, number][] = [
      [[9], 0, undefined, now],
      [[9], 1, 4, now],
      [[10], 1, 5, now],
      [[], 0, undefined, now],
      [[9, 12], 2, 6, now],
      [[9], 1, 7, now + 3000], // 2 s of the 5 left
      [[9], 1, 8, now],
    ];
    for (const [ids, qos, packetId, at] of rows) {
      const expiry = Math.ceil((m.expiresAt! - at) / 1000);
      expect(copy(ids, qos, packetId, at)).toEqual(full(ids, qos, packetId, expiry));
    }
    // Encoded once per distinct value set: QoS 0 copies are the very same buffer.
    expect(copy([9], 0, undefined)).toBe(copy([9], 0, undefined));
    expect(copy([9], 0, undefined)).not.toBe(copy([10], 0, undefined));
    // A copy handed out earlier is not changed by later deliveries.
    const first = copy([9], 1, 1);
    copy([9], 1, 2);
    expect(decodeOne(first, 5).packetId).toBe(1);
  });

  it('per-connection properties (subscription ids, aliases) are encoded per connection', () => {
    const m = message('s/t', Buffer.from('y'));
    const withId = new PublishEncoder(5, plainLimits, none).encode(
      { ...delivery(m, 0, undefined), subscriptionIds: [9] },
      0,
    );
    expect(decodeOne(withId ?? Buffer.alloc(0), 5).properties?.subscriptionIdentifier).toBe(9);
    const aliased = new PublishEncoder(5, { topicAliasMaximum: 4, maximumPacketSize: Infinity }, none);
    aliased.encode(delivery(m, 0, undefined), 0);
    const again = decodeOne(aliased.encode(delivery(m, 0, undefined), 0) ?? Buffer.alloc(0), 5);
    expect(again.topic).toBe('');
    expect(again.properties?.topicAlias).toBe(1);
    const plain = decodeOne(
      new PublishEncoder(5, plainLimits, none).encode(delivery(m, 0, undefined), 0) ?? Buffer.alloc(0),
      5,
    );
    expect(plain.topic).toBe('s/t');
    expect(plain.properties).toBeUndefined();
  });
});
