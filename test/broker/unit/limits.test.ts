import { describe, expect, it } from 'vitest';
import { TestClient, startTestBroker } from './helpers.js';

describe('slow subscribers', () => {
  it('QoS 0 beyond the write bound is dropped and counted; the socket buffer stays bounded', async () => {
    const target = await startTestBroker({ maxWriteBuffer: 64 * 1024 });
    try {
      const slow = await TestClient.connect(target.port);
      slow.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'flood', qos: 0 }] });
      await slow.next('suback');
      slow.socket.pause(); // stops reading: the kernel buffers fill, then the broker's
      const pub = await TestClient.connect(target.port);
      const payload = Buffer.alloc(64 * 1024, 7);
      for (let i = 0; i < 400; i++) {
        pub.send({ type: 'publish', topic: 'flood', payload, qos: 0, retain: false, dup: false });
      }
      pub.send({ type: 'pingreq' });
      await pub.next('pingresp', 10_000);
      expect(target.broker.stats.messagesDropped).toBeGreaterThan(0);
      expect(target.broker.stats.messagesReceived).toBe(400);
      slow.close();
      pub.close();
    } finally {
      await target.stop();
    }
  });

  it('QoS 1 to a slow subscriber is queued up to maxQueuedMessages, then dropped', async () => {
    const target = await startTestBroker({ maxQueuedMessages: 5, maxInflight: 2 });
    try {
      const slow = await TestClient.connect(target.port);
      slow.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'q', qos: 1 }] });
      await slow.next('suback');
      const pub = await TestClient.connect(target.port);
      for (let i = 1; i <= 20; i++) {
        pub.send({
          type: 'publish',
          topic: 'q',
          payload: Buffer.from(String(i)),
          qos: 1,
          retain: false,
          dup: false,
          packetId: i,
        });
      }
      for (let i = 1; i <= 20; i++) await pub.next('puback');
      // 2 in flight (never acknowledged), 5 queued, 13 dropped.
      expect(target.broker.stats.inflight).toBe(2);
      expect(target.broker.stats.messagesDropped).toBe(13);
      const first = await slow.next('publish');
      slow.send({ type: 'puback', packetId: first.packetId! });
      const second = await slow.next('publish');
      const next = await slow.next('publish');
      expect([first, second, next].map((p) => p.payload.toString())).toEqual(['1', '2', '3']);
      slow.close();
      pub.close();
    } finally {
      await target.stop();
    }
  });
});

describe('freeing', () => {
  it('sessions, subscriptions, wills and counters return to zero when clean sessions end', async () => {
    const target = await startTestBroker();
    try {
      const clients: TestClient[] = [];
      for (let i = 0; i < 30; i++) {
        const version = i % 2 === 0 ? 4 : 5;
        const will = { topic: `gone/${i}`, payload: Buffer.from('x'), qos: 1 as const, retain: false };
        const client = await TestClient.connect(target.port, { will, keepAlive: 60 }, version);
        client.send({
          type: 'subscribe',
          packetId: 1,
          subscriptions: [
            { topicFilter: `t/${i}/#`, qos: 1 },
            { topicFilter: '$share/g/s', qos: 1 },
          ],
        });
        await client.next('suback');
        clients.push(client);
      }
      expect(target.broker.stats.clientsConnected).toBe(30);
      expect(target.broker.stats.subscriptions).toBe(60);
      for (const [i, client] of clients.entries()) {
        if (i % 3 === 0) client.close();
        else await client.disconnect();
      }
      for (const client of clients) await client.waitClosed();
      await new Promise((r) => setTimeout(r, 100));
      expect(target.broker.sessionCount).toBe(0);
      expect(target.broker.stats.subscriptions).toBe(0);
      expect(target.broker.stats.clientsConnected).toBe(0);
      expect(target.broker.stats.inflight).toBe(0);
      expect(target.broker.stats.clientsTotal).toBe(30);
    } finally {
      await target.stop();
    }
  });
});
