import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PublishEncoder } from '../../harness/load/fast-publish.js';
import { HEADER_BYTES, MAX_LATENESS_US, readHeader, writeHeader } from '../../harness/load/payload.js';
import { encode, PacketDecoder } from '../../wire/index.js';

describe('hot-path PUBLISH encoder', () => {
  it('writes exactly what the wire encoder writes, and the header reads back', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 300 })
          .filter(
            (topic) =>
              !topic.includes('+') && !topic.includes('#') && !topic.includes(String.fromCharCode(0)),
          ),
        fc.constantFrom(0, 1, 2),
        fc.boolean(),
        fc.constantFrom(4, 5),
        fc.integer({ min: HEADER_BYTES, max: 20_000 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2 ** 40 - 1 }),
        fc.integer({ min: 0, max: MAX_LATENESS_US }),
        (topic, qos, retain, level, size, packetId, seq, intendedUs, latenessUs) => {
          const fast = new PublishEncoder(topic, qos as 0 | 1 | 2, retain, level as 4 | 5).encode(
            packetId,
            size,
            0xabcd,
            7,
            seq,
            intendedUs,
            latenessUs,
          );
          const payload = Buffer.alloc(size);
          writeHeader(payload, 0, 0xabcd, 7, seq, intendedUs, latenessUs);
          const reference = encode(
            {
              type: 'publish',
              topic,
              qos: qos as 0 | 1 | 2,
              retain,
              dup: false,
              payload,
              ...(qos > 0 ? { packetId } : {}),
            },
            level as 4 | 5,
          );
          expect(fast.equals(reference)).toBe(true);
          const [packet] = new PacketDecoder({ role: 'client', version: level as 4 | 5 }).push(fast);
          const header = { runTag: 0, publisher: 0, seq: 0, intendedUs: 0, latenessUs: 0 };
          expect(packet?.type === 'publish' && readHeader(packet.payload, 0xabcd, header)).toBe(true);
          expect(header).toEqual({ runTag: 0xabcd, publisher: 7, seq, intendedUs, latenessUs });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('clamps a lateness the header cannot carry', () => {
    const header = { runTag: 0, publisher: 0, seq: 0, intendedUs: 0, latenessUs: 0 };
    const payload = Buffer.alloc(HEADER_BYTES);
    writeHeader(payload, 0, 1, 2, 3, 4, MAX_LATENESS_US + 5);
    expect(readHeader(payload, 1, header) && header.latenessUs).toBe(MAX_LATENESS_US);
    writeHeader(payload, 0, 1, 2, 3, 4, -3);
    expect(readHeader(payload, 1, header) && header.latenessUs).toBe(0);
  });

  it('ignores payloads of another run or too short', () => {
    const header = { runTag: 0, publisher: 0, seq: 0, intendedUs: 0, latenessUs: 0 };
    const payload = Buffer.alloc(HEADER_BYTES);
    writeHeader(payload, 0, 1, 2, 3, 4, 5);
    expect(readHeader(payload, 2, header)).toBe(false);
    expect(readHeader(payload.subarray(0, HEADER_BYTES - 1), 1, header)).toBe(false);
    expect(readHeader(payload, 1, header)).toBe(true);
  });
});
