// Property tests of the streaming decoder: arbitrary chunking, random and mutated input.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MqttDecodeError, PacketDecoder, encode } from '../../wire/index.js';
import type { Packet, ProtocolLevel } from '../../wire/index.js';
import { VERSIONS, clientPacketArb, connackArb, connectArb, serverPacketArb } from './arbitraries.js';

/** Cuts `bytes` at the given positions (taken modulo its length). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  chunks.push(bytes.subarray(prev));
  return chunks;
}

function feed(decoder: PacketDecoder, chunks: Buffer[]): { packets: Packet[]; raw: Buffer[] } {
  const packets: Packet[] = [];
  const raw: Buffer[] = [];
  for (const chunk of chunks) {
    packets.push(...decoder.push(chunk));
    raw.push(...decoder.lastRaw);
  }
  return { packets, raw };
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });

function clientStream(version: ProtocolLevel) {
  return fc
    .tuple(connectArb(version), fc.array(clientPacketArb(version), { maxLength: 8 }))
    .map(([c, rest]) => [c, ...rest]);
}

function serverStream(version: ProtocolLevel) {
  return fc
    .tuple(connackArb(version), fc.array(serverPacketArb(version), { maxLength: 8 }))
    .map(([c, rest]) => [c, ...rest]);
}

describe.each(VERSIONS)('stream decoding, protocol level %i', (version) => {
  it('a client stream split anywhere decodes to the same packets', () => {
    fc.assert(
      fc.property(clientStream(version), cuts, (packets, cutPoints) => {
        const encoded = packets.map((p) => encode(p, version));
        const bytes = Buffer.concat(encoded);
        const out = feed(new PacketDecoder({ role: 'server' }), split(bytes, cutPoints));
        expect(out.packets).toEqual(packets);
        expect(Buffer.concat(out.raw)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('a server stream split anywhere decodes to the same packets', () => {
    fc.assert(
      fc.property(serverStream(version), cuts, (packets, cutPoints) => {
        const bytes = Buffer.concat(packets.map((p) => encode(p, version)));
        const out = feed(new PacketDecoder({ role: 'client', version }), split(bytes, cutPoints));
        expect(out.packets).toEqual(packets);
      }),
      { numRuns: 100 },
    );
  });

  it('mutated valid streams only ever fail with MqttDecodeError', () => {
    fc.assert(
      fc.property(
        clientStream(version),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        cuts,
        (packets, mutations, cutPoints) => {
          const bytes = Buffer.from(Buffer.concat(packets.map((p) => encode(p, version))));
          for (const [at, value] of mutations) bytes[at % bytes.length] = value;
          expectOnlyDecodeErrors(new PacketDecoder({ role: 'server' }), split(bytes, cutPoints));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('mutated valid server streams only ever fail with MqttDecodeError', () => {
    fc.assert(
      fc.property(
        serverStream(version),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (packets, mutations) => {
          const bytes = Buffer.from(Buffer.concat(packets.map((p) => encode(p, version))));
          for (const [at, value] of mutations) bytes[at % bytes.length] = value;
          expectOnlyDecodeErrors(new PacketDecoder({ role: 'client', version }), [bytes]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function expectOnlyDecodeErrors(decoder: PacketDecoder, chunks: Buffer[]): void {
  try {
    for (const chunk of chunks) decoder.push(chunk);
  } catch (err) {
    if (!(err instanceof MqttDecodeError)) throw err;
  }
}

describe('random bytes', () => {
  it('never throw anything but MqttDecodeError (server role)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cuts, (bytes, cutPoints) => {
        expectOnlyDecodeErrors(new PacketDecoder({ role: 'server' }), split(Buffer.from(bytes), cutPoints));
      }),
      { numRuns: 500 },
    );
  });

  it('never throw anything but MqttDecodeError after a valid CONNECT', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VERSIONS),
        fc.uint8Array({ maxLength: 200 }),
        cuts,
        (version, bytes, cutPoints) => {
          const decoder = new PacketDecoder({ role: 'server' });
          decoder.push(
            encode(
              {
                type: 'connect',
                protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
                protocolLevel: version,
                cleanStart: true,
                keepAlive: 0,
                clientId: 'x',
              },
              version,
            ),
          );
          expectOnlyDecodeErrors(decoder, split(Buffer.from(bytes), cutPoints));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throw anything but MqttDecodeError (client role)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VERSIONS), fc.uint8Array({ maxLength: 200 }), (version, bytes) => {
        expectOnlyDecodeErrors(new PacketDecoder({ role: 'client', version }), [Buffer.from(bytes)]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('buffering', () => {
  it('a large packet arriving in many chunks is assembled with a single copy', () => {
    const decoder = new PacketDecoder({ role: 'client', version: 4 });
    const payload = Buffer.alloc(1_000_000, 0x5a);
    const bytes = encode({ type: 'publish', topic: 't', payload, qos: 0, retain: false, dup: false }, 4);
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const chunks = split(
        bytes,
        Array.from({ length: 999 }, (_, i) => (i + 1) * 1000),
      );
      const out = feed(decoder, chunks);
      expect(out.packets).toHaveLength(1);
      expect((out.packets[0] as Extract<Packet, { type: 'publish' }>).payload.equals(payload)).toBe(true);
      expect(concat.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      concat.mockRestore();
    }
  });

  it('many packets in one chunk are all returned', () => {
    const decoder = new PacketDecoder({ role: 'client', version: 5 });
    const one = encode({ type: 'puback', packetId: 9 }, 5);
    const out = decoder.push(Buffer.concat(Array.from({ length: 1000 }, () => one)));
    expect(out).toHaveLength(1000);
    expect(decoder.lastRaw).toHaveLength(1000);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('payloads share memory with the input by default and are copies with copyBinary', () => {
    const packet: Packet = {
      type: 'publish',
      topic: 't',
      payload: Buffer.from('abc'),
      qos: 0,
      retain: false,
      dup: false,
    };
    type Publish = Extract<Packet, { type: 'publish' }>;
    const input1 = encode(packet, 4);
    const shared = new PacketDecoder({ role: 'client', version: 4 }).push(input1)[0] as Publish;
    const input2 = encode(packet, 4);
    const copied = new PacketDecoder({ role: 'client', version: 4, copyBinary: true }).push(
      input2,
    )[0] as Publish;
    input1[input1.length - 1] = 0x7a;
    input2[input2.length - 1] = 0x7a;
    expect(shared.payload.toString()).toBe('abz');
    expect(copied.payload.toString()).toBe('abc');
  });
});
