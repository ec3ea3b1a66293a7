import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from '../../../wire/index.js';
import type { Packet } from '../../../wire/types.js';
import { Framer } from '../../../broker/framing.js';
import { Queue } from '../../../broker/session/queue.js';

const packets: Packet[] = [
  { type: 'pingreq' },
  {
    type: 'publish',
    topic: 'a/b',
    payload: Buffer.alloc(300, 1),
    qos: 1,
    retain: false,
    dup: false,
    packetId: 7,
  },
  { type: 'subscribe', packetId: 2, subscriptions: [{ topicFilter: 'x/#', qos: 2 }] },
  { type: 'publish', topic: 't', payload: Buffer.alloc(20_000, 2), qos: 0, retain: true, dup: false },
  { type: 'disconnect' },
];

describe('Framer', () => {
  it('returns the same frames whatever the chunk boundaries', () => {
    const frames = packets.map((p) => encode(p, 4));
    const stream = Buffer.concat(frames);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 30 }),
        (cuts) => {
          const framer = new Framer(1024 * 1024);
          const out: Buffer[] = [];
          let start = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), stream.length]) {
            framer.push(stream.subarray(start, cut));
            start = cut;
            for (let next = framer.next(); next.kind === 'frame'; next = framer.next())
              out.push(Buffer.from(next.frame));
          }
          expect(out.length).toBe(frames.length);
          out.forEach((frame, i) => expect(frame.equals(frames[i]!)).toBe(true));
          expect(framer.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reports a packet above the maximum from its header alone', () => {
    const framer = new Framer(100);
    const bytes = encode(packets[1]!, 4);
    framer.push(bytes.subarray(0, 4));
    expect(framer.next()).toMatchObject({ kind: 'too-large', size: bytes.length });
  });

  it('reports a remaining length of more than four bytes', () => {
    const framer = new Framer(1024);
    framer.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(framer.next().kind).toBe('bad-length');
  });
});

describe('Queue', () => {
  it('behaves as a FIFO across compaction and unshift', () => {
    const queue = new Queue<number>();
    const model: number[] = [];
    for (let i = 0; i < 5000; i++) {
      queue.push(i);
      model.push(i);
      if (i % 3 === 0) expect(queue.shift()).toBe(model.shift());
    }
    queue.unshift(-1, -2);
    model.unshift(-1, -2);
    expect(queue.length).toBe(model.length);
    while (model.length > 0) expect(queue.shift()).toBe(model.shift());
    expect(queue.shift()).toBeUndefined();
  });
});
