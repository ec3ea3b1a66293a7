import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, type FrameHandler } from '../../harness/load/frames.js';
import { encode, PacketDecoder, type Packet } from '../../wire/index.js';

type Event = ['publish', string, 0 | 1 | 2, number] | ['ack', string, number] | ['packet', Packet];

const ACK_NAMES = { 4: 'puback', 5: 'pubrec', 6: 'pubrel', 7: 'pubcomp' } as const;

/** What the client does with each packet, seen through the frame reader... */
function viaFrames(stream: Buffer, cuts: number[], version: 4 | 5): Event[] {
  const events: Event[] = [];
  const handler: FrameHandler = {
    onFramePublish: (buffer, start, end, qos, packetId) =>
      events.push(['publish', buffer.subarray(start, end).toString('hex'), qos, packetId]),
    onFrameAck: (type, packetId) => events.push(['ack', ACK_NAMES[type], packetId]),
    onFramePacket: (packet) => {
      if (packet.type === 'publish')
        events.push(['publish', packet.payload.toString('hex'), packet.qos, packet.packetId ?? 0]);
      else if (
        (packet.type === 'puback' ||
          packet.type === 'pubrec' ||
          packet.type === 'pubrel' ||
          packet.type === 'pubcomp') &&
        (packet.reasonCode ?? 0) === 0
      )
        events.push(['ack', packet.type, packet.packetId]);
      else events.push(['packet', packet]);
    },
  };
  const reader = new FrameReader(version);
  // One reused read buffer, as with a socket's `onread`: scribbled over after every push.
  const scratch = Buffer.alloc(stream.length + 1);
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    const length = stream.copy(scratch, 0, from, cut);
    reader.push(scratch, length, handler);
    scratch.fill(0xee);
    from = cut;
  }
  expect(reader.bufferedBytes).toBe(0);
  return events;
}

/** ...and through the strict decoder, one packet object each. */
function viaDecoder(stream: Buffer, version: 4 | 5): Event[] {
  return new PacketDecoder({ role: 'client', version }).push(stream).map((packet): Event => {
    if (packet.type === 'publish')
      return ['publish', packet.payload.toString('hex'), packet.qos, packet.packetId ?? 0];
    if (
      (packet.type === 'puback' ||
        packet.type === 'pubrec' ||
        packet.type === 'pubrel' ||
        packet.type === 'pubcomp') &&
      (packet.reasonCode ?? 0) === 0
    )
      return ['ack', packet.type, packet.packetId];
    return ['packet', packet];
  });
}

const packetId = fc.integer({ min: 1, max: 65535 });

function packetArbitrary(version: 4 | 5): fc.Arbitrary<Packet> {
  const publish = fc
    .record({
      topic: fc.constantFrom('a', 'load/x/cpu', 'é/ü', 't'.repeat(300)),
      qos: fc.constantFrom(0 as const, 1 as const, 2 as const),
      retain: fc.boolean(),
      dup: fc.boolean(),
      payload: fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
      packetId,
      expiry: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    })
    .map(({ topic, qos, retain, dup, payload, packetId: id, expiry }): Packet => ({
      type: 'publish',
      topic,
      qos,
      retain,
      dup: qos > 0 && dup,
      payload,
      ...(qos > 0 ? { packetId: id } : {}),
      ...(version === 5 && expiry !== undefined ? { properties: { messageExpiryInterval: expiry } } : {}),
    }));
  const ack = fc
    .record({
      type: fc.constantFrom('puback' as const, 'pubrec' as const, 'pubrel' as const, 'pubcomp' as const),
      packetId,
      reason: fc.constantFrom(undefined, 0x00, 0x10, 0x80, 0x92),
    })
    .map(({ type, packetId: id, reason }): Packet => {
      const allowed = type === 'pubrel' || type === 'pubcomp' ? [0x00, 0x92] : [0x00, 0x10, 0x80];
      return {
        type,
        packetId: id,
        ...(version === 5 && reason !== undefined && allowed.includes(reason) ? { reasonCode: reason } : {}),
      };
    });
  const other = fc.constantFrom<Packet>(
    { type: 'pingresp' },
    { type: 'connack', sessionPresent: false, reasonCode: 0 },
    { type: 'suback', packetId: 1, reasonCodes: [1] },
  );
  return fc.oneof(
    { weight: 4, arbitrary: publish },
    { weight: 3, arbitrary: ack },
    { weight: 1, arbitrary: other },
  );
}

describe('FrameReader', () => {
  for (const version of [4, 5] as const) {
    it(`frames v${version === 4 ? '3.1.1' : '5.0'} streams cut anywhere like the strict decoder`, () => {
      fc.assert(
        fc.property(
          fc.array(packetArbitrary(version), { minLength: 1, maxLength: 30 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          (packets, rawCuts) => {
            const stream = Buffer.concat(packets.map((packet) => encode(packet, version)));
            const cuts = [...new Set(rawCuts.map((cut) => cut % stream.length))].sort((a, b) => a - b);
            expect(viaFrames(stream, cuts, version)).toEqual(viaDecoder(stream, version));
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('reports malformed packets through the strict decoder', () => {
    const handler: FrameHandler = { onFramePublish() {}, onFrameAck() {}, onFramePacket() {} };
    // PUBLISH with QoS 3.
    expect(() =>
      new FrameReader(4).push(Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]), 7, handler),
    ).toThrow();
    // Remaining Length of five bytes.
    expect(() =>
      new FrameReader(4).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 6, handler),
    ).toThrow();
    // PUBACK with packet id 0: not the fast path's business; the strict decoder decides (it accepts it).
    const packets: Packet[] = [];
    new FrameReader(4).push(Buffer.from([0x40, 0x02, 0x00, 0x00]), 4, {
      ...handler,
      onFramePacket: (packet) => packets.push(packet),
    });
    expect(packets).toEqual([{ type: 'puback', packetId: 0 }]);
  });
});
