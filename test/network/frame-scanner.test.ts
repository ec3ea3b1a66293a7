import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameScanner } from '../../harness/network/frame-scanner.js';

/** An MQTT packet with the given type and body length (remaining length as a varint). */
function packet(type: number, length: number): Buffer {
  const varint: number[] = [];
  let n = length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    varint.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([type << 4, ...varint]), Buffer.alloc(length, 0xc0)]);
}

describe('FrameScanner', () => {
  it('finds every packet type in a stream split at arbitrary points', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ type: fc.integer({ min: 1, max: 15 }), length: fc.integer({ min: 0, max: 20_000 }) }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        (packets, cuts) => {
          const stream = Buffer.concat(packets.map((p) => packet(p.type, p.length)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const scanner = new FrameScanner();
          const seen: number[] = [];
          let from = 0;
          for (const point of [...points, stream.length]) {
            scanner.scan(stream.subarray(from, point), (type) => seen.push(type));
            from = point;
          }
          expect(seen).toEqual(packets.map((p) => p.type));
        },
      ),
      { numRuns: 200 },
    );
  });
});
