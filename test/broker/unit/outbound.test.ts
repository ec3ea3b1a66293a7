import { describe, expect, it } from 'vitest';
import { PacketDecoder, encode } from '../../../wire/index.js';
import type { ProtocolLevel, PublishPacket, QoS } from '../../../wire/types.js';
import { PublishEncoder } from '../../../broker/outbound.js';
import type { Message } from '../../../broker/session/message.js';
import type { OutboundPublish } from '../../../broker/session/session.js';

const plainLimits = { topicAliasMaximum: 0, maximumPacketSize: Infinity };
const none = (): boolean => false;

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
