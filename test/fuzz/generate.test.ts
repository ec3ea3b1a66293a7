// The fuzzer's generators: every packet type encodes for both versions, well-formed packets decode
// again, a seed gives the same case twice, and mutations change the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fuzzCase,
  fuzzPacket,
  generatePacket,
  mutateBytes,
  FUZZ_VERSIONS,
  PACKET_TYPES,
  Random,
} from '../../harness/fuzz/index.js';
import { encode, PacketDecoder, PACKET_TYPE_CODES } from '../../wire/index.js';

const FROM_CLIENT = [
  'connect',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'unsubscribe',
  'pingreq',
  'disconnect',
] as const;

describe('fuzz generators', () => {
  it('generates and encodes every packet type for MQTT 3.1.1 and 5.0', () => {
    expect(PACKET_TYPES).toHaveLength(15);
    for (const version of FUZZ_VERSIONS) {
      for (const type of PACKET_TYPES) {
        const random = new Random(7);
        for (let i = 0; i < 20; i++) {
          const bytes = encode(generatePacket(random, version, type), version);
          expect(bytes[0]! >> 4).toBe(PACKET_TYPE_CODES[type]);
        }
      }
    }
  });

  it('client packets with plain topics decode again with the strict decoder', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom(...FUZZ_VERSIONS),
        fc.constantFrom(...FROM_CLIENT),
        (seed, version, type) => {
          const packet = generatePacket(new Random(seed), version, type);
          const decoder = new PacketDecoder({ role: 'server', version });
          if (type !== 'connect') {
            try {
              decoder.push(encode(generatePacket(new Random(seed + 1), version, 'connect'), version));
            } catch {
              return; // a CONNECT with deliberate violations: nothing after it is read
            }
          }
          // Topics with wildcards, NUL or invalid properties are deliberate violations; only check
          // that the encoder wrote something the decoder frames as one packet of the right type.
          try {
            const packets = decoder.push(encode(packet, version));
            expect(packets.map((decoded) => decoded.type)).toEqual([type]);
          } catch (error) {
            expect((error as Error).name).toBe('MqttDecodeError');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a seed gives the same case twice, another seed another one', () => {
    const a = fuzzCase(new Random(42), 1);
    const b = fuzzCase(new Random(42), 1);
    const c = fuzzCase(new Random(43), 1);
    expect(Buffer.concat(a.chunks).equals(Buffer.concat(b.chunks))).toBe(true);
    expect(a.parts).toEqual(b.parts);
    expect(Buffer.concat(a.chunks).equals(Buffer.concat(c.chunks))).toBe(false);
    expect(a.parts[0]).toMatch(/connect/);
  });

  it('cases cover both versions, all packet types and every way of making a packet', () => {
    const random = new Random(1);
    const parts = Array.from({ length: 400 }, (_, id) => fuzzCase(random, id)).flatMap((item) => item.parts);
    for (const type of PACKET_TYPES) expect(parts.some((part) => part.startsWith(`${type} v4`))).toBe(true);
    for (const type of PACKET_TYPES) expect(parts.some((part) => part.startsWith(`${type} v5`))).toBe(true);
    expect(parts.some((part) => / with /.test(part))).toBe(true);
    expect(parts.some((part) => /bit flip|truncated|appended|edge value|doubled|maximal/.test(part))).toBe(
      true,
    );
    expect(parts.some((part) => part.startsWith('random bytes'))).toBe(true);
  });

  it('mutations change the bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new Random(seed);
        const original = fuzzPacket(random, 4, 'publish').bytes;
        const mutated = mutateBytes(random, original);
        expect(mutated.bytes.equals(original)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('mutations change an empty packet too (a truncation can leave nothing)', () => {
    // Seed 1610400726 made a PUBLISH truncated to 0 bytes, which the mutation left empty.
    for (const seed of [1610400726, 1, 2, 3, 4, 5, 6, 7]) {
      expect(mutateBytes(new Random(seed), Buffer.alloc(0)).bytes.length).toBeGreaterThan(0);
    }
  });
});
