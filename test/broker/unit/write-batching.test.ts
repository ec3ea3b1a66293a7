import { describe, expect, it } from 'vitest';
import { encode } from '../../../wire/index.js';
import type { PublishPacket } from '../../../wire/types.js';
import { TestClient, startTestBroker } from './helpers.js';

describe('outbound writes batched per event-loop turn', () => {
  it('packets of one burst arrive complete and in order, each subscriber with its own packet ids', async () => {
    const target = await startTestBroker();
    try {
      const subs = await Promise.all([0, 1, 2].map(() => TestClient.connect(target.port)));
      for (const [i, sub] of subs.entries()) {
        sub.send({
          type: 'subscribe',
          packetId: 1,
          subscriptions: [{ topicFilter: 'burst/#', qos: i === 2 ? 0 : 1 }],
        });
        await sub.next('suback');
      }
      const pub = await TestClient.connect(target.port);
      // one TCP write holding 40 PUBLISH packets: the broker handles them in one turn
      const frames: PublishPacket[] = Array.from({ length: 40 }, (_, i) => ({
        type: 'publish',
        topic: `burst/${i % 3}`,
        payload: Buffer.from(String(i)),
        qos: 1,
        retain: false,
        dup: false,
        packetId: i + 1,
      }));
      pub.raw(Buffer.concat(frames.map((f) => encode(f, 4))));
      for (const [i, sub] of subs.entries()) {
        const received: PublishPacket[] = [];
        for (let n = 0; n < 40; n++) received.push(await sub.next('publish'));
        expect(received.map((p) => p.payload.toString())).toEqual(frames.map((f) => f.payload.toString()));
        expect(received.map((p) => p.topic)).toEqual(frames.map((f) => f.topic));
        if (i === 2) expect(received.every((p) => p.qos === 0 && p.packetId === undefined)).toBe(true);
        else expect(new Set(received.map((p) => p.packetId)).size).toBe(40);
      }
      for (const c of [...subs, pub]) c.close();
    } finally {
      await target.stop();
    }
  });

  it('QoS 1 held back by bytes not yet flushed is sent once they leave, without any PUBACK', async () => {
    // 64-byte bound: after the first PUBLISH of a burst the rest wait in the session queue; the
    // socket drains at once (no 'drain' event), so the flush itself must resume the queue.
    const target = await startTestBroker({ maxWriteBuffer: 64, maxInflight: 64 });
    try {
      const sub = await TestClient.connect(target.port);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'held', qos: 1 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(target.port);
      const payload = Buffer.alloc(100, 1);
      const burst = Array.from({ length: 20 }, (_, i) =>
        encode(
          { type: 'publish', topic: 'held', payload, qos: 1, retain: false, dup: false, packetId: i + 1 },
          4,
        ),
      );
      pub.raw(Buffer.concat(burst));
      const ids: number[] = [];
      for (let n = 0; n < 20; n++) ids.push((await sub.next('publish')).packetId ?? 0);
      expect(new Set(ids).size).toBe(20); // never acknowledged, so 20 distinct ids in flight
      expect(target.broker.stats.messagesDropped).toBe(0);
      sub.close();
      pub.close();
    } finally {
      await target.stop();
    }
  });
});
