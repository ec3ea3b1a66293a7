import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../../broker/broker.js';
import { TestClient, startTestBroker, waitUntil } from './helpers.js';

/**
 * A broker whose server-side sockets count their unfinished writes (entries in the socket's write
 * queue: handed to write() and not yet taken by the kernel).
 */
async function brokerCountingWrites(options: ConstructorParameters<typeof Broker>[0]): Promise<{
  broker: Broker;
  port: number;
  pendingWrites: number[];
  stop(): Promise<void>;
}> {
  const broker = new Broker(options);
  const pendingWrites: number[] = [];
  const server = net.createServer((socket) => {
    const index = pendingWrites.push(0) - 1;
    const write = socket.write.bind(socket) as (
      chunk: Buffer,
      cb?: (error?: Error | null) => void,
    ) => boolean;
    socket.write = ((chunk: Buffer, cb?: (error?: Error | null) => void) => {
      pendingWrites[index]!++;
      return write(chunk, (error) => {
        pendingWrites[index]!--;
        cb?.(error);
      });
    }) as typeof socket.write;
    broker.handleConnection(socket, { remoteAddress: socket.remoteAddress ?? '', transport: 'tcp' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    broker,
    port: (server.address() as AddressInfo).port,
    pendingWrites,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
      await closed;
    },
  };
}

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

  it('[issue 13 item 5] QoS 0 to a subscriber that never reads: the socket write queue stays bounded', async () => {
    const target = await brokerCountingWrites({ maxWriteBuffer: 64 * 1024 });
    try {
      const slow = await TestClient.connect(target.port);
      slow.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'stall', qos: 0 }] });
      await slow.next('suback');
      slow.socket.pause(); // never reads again
      const subscriberSocket = 0; // the first connection the broker accepted
      const pub = await TestClient.connect(target.port);
      const payload = Buffer.alloc(16 * 1024, 1); // 48 MB in all: more than the kernel buffers hold
      const burst = async (turns: number): Promise<void> => {
        // one message per event-loop turn: each turn past the bound drops one and asks to be resumed
        for (let i = 0; i < turns; i++) {
          pub.send({ type: 'publish', topic: 'stall', payload, qos: 0, retain: false, dup: false });
          await new Promise((r) => setImmediate(r));
        }
        pub.send({ type: 'pingreq' });
        await pub.next('pingresp', 10_000);
      };
      await burst(1500);
      const middle = target.pendingWrites[subscriberSocket]!;
      await burst(1500);
      const end = target.pendingWrites[subscriberSocket]!;
      expect(target.broker.stats.messagesDropped).toBeGreaterThan(1000);
      // bounded by the write bound (64 KiB), not by how long the flood lasts
      expect(end).toBeLessThanOrEqual(80);
      expect(end - middle).toBeLessThanOrEqual(2);
      slow.close();
      pub.close();
    } finally {
      await target.stop();
    }
  });

  it('QoS 1 to a connected slow subscriber is never dropped: at maxQueuedMessages the publisher is held, then resumed', async () => {
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
      // 2 in flight (not yet acknowledged by the subscriber) and 5 queued: the publisher is held
      await pub.next('puback');
      await waitUntil(() => target.broker.stats.publishersHeld === 1, 'publisher held');
      expect(target.broker.stats.inflight).toBe(2);
      expect(target.broker.stats.messagesDropped).toBe(0);
      // the subscriber acknowledges as it reads: everything arrives, in order, nothing dropped
      const payloads: string[] = [];
      while (payloads.length < 20) {
        const message = await slow.next('publish');
        payloads.push(message.payload.toString());
        slow.send({ type: 'puback', packetId: message.packetId! });
      }
      expect(payloads).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
      for (let i = 2; i <= 20; i++) await pub.next('puback');
      expect(target.broker.stats.messagesDropped).toBe(0);
      expect(target.broker.stats.publishersHeld).toBe(0);
      slow.close();
      pub.close();
    } finally {
      await target.stop();
    }
  });

  it('acknowledgements pass a held publisher: a client subscribed to its own topic keeps flowing', async () => {
    const target = await startTestBroker({ maxQueuedMessages: 2, maxInflight: 1 });
    try {
      const self = await TestClient.connect(target.port);
      self.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'self', qos: 1 }] });
      await self.next('suback');
      for (let i = 1; i <= 10; i++) {
        const payload = Buffer.from(String(i));
        self.send({
          type: 'publish',
          topic: 'self',
          payload,
          qos: 1,
          retain: false,
          dup: false,
          packetId: i,
        });
      }
      const payloads: string[] = [];
      while (payloads.length < 10) {
        const message = await self.next('publish');
        payloads.push(message.payload.toString());
        self.send({ type: 'puback', packetId: message.packetId! });
      }
      expect(payloads).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
      expect(target.broker.stats.messagesDropped).toBe(0);
      self.close();
    } finally {
      await target.stop();
    }
  });

  it('a subscriber that makes no progress while holding a publisher is disconnected (v5 0x97) and the publisher resumes', async () => {
    const target = await startTestBroker({
      maxQueuedMessages: 3,
      maxInflight: 1,
      stalledSubscriberTimeoutMs: 300,
    });
    try {
      const stuck = await TestClient.connect(target.port, {}, 5);
      stuck.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 's', qos: 1 }] });
      await stuck.next('suback');
      const pub = await TestClient.connect(target.port);
      for (let i = 1; i <= 10; i++) {
        const payload = Buffer.from(String(i));
        pub.send({ type: 'publish', topic: 's', payload, qos: 1, retain: false, dup: false, packetId: i });
      }
      const disconnect = await stuck.next('disconnect');
      expect(disconnect.reasonCode).toBe(0x97);
      await stuck.waitClosed();
      for (let i = 1; i <= 10; i++) await pub.next('puback');
      expect(target.broker.stats.slowSubscribersDisconnected).toBe(1);
      expect(target.broker.stats.publishersHeld).toBe(0);
      pub.close();
    } finally {
      await target.stop();
    }
  });

  it('a publisher whose socket is not read because of flow control is not closed for keep-alive', async () => {
    const target = await startTestBroker({
      maxQueuedMessages: 2,
      maxInflight: 1,
      stalledSubscriberTimeoutMs: 0,
    });
    try {
      const slow = await TestClient.connect(target.port);
      slow.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'k', qos: 1 }] });
      await slow.next('suback');
      const pub = await TestClient.connect(target.port, { keepAlive: 1 });
      const payload = Buffer.alloc(8 * 1024, 2);
      // 160 KiB: the broker holds the publisher, reads 64 KiB of it, then stops reading
      for (let i = 1; i <= 20; i++)
        pub.send({ type: 'publish', topic: 'k', payload, qos: 1, retain: false, dup: false, packetId: i });
      await waitUntil(() => target.broker.stats.publishersHeld === 1, 'publisher held');
      await new Promise((r) => setTimeout(r, 2500)); // past 1.5 x keep-alive without a byte read
      expect(pub.closed).toBe(false);
      let received = 0;
      while (received < 20) {
        const message = await slow.next('publish', 5000);
        slow.send({ type: 'puback', packetId: message.packetId! });
        received++;
      }
      for (let i = 1; i <= 20; i++) await pub.next('puback');
      slow.close();
      pub.close();
    } finally {
      await target.stop();
    }
  });

  it('an offline session queues up to maxQueuedMessages; the overflow is dropped and counted apart', async () => {
    const target = await startTestBroker({ maxQueuedMessages: 5 });
    try {
      const away = await TestClient.connect(target.port, { clientId: 'away', cleanStart: false });
      away.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'o', qos: 1 }] });
      await away.next('suback');
      await away.disconnect();
      const pub = await TestClient.connect(target.port);
      for (let i = 1; i <= 12; i++) {
        const payload = Buffer.from(String(i));
        pub.send({ type: 'publish', topic: 'o', payload, qos: 1, retain: false, dup: false, packetId: i });
      }
      for (let i = 1; i <= 12; i++) await pub.next('puback');
      expect(target.broker.stats.messagesDroppedOffline).toBe(7);
      expect(target.broker.stats.messagesDropped).toBe(7);
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
      // The broker sees the closes in its own time (a client's close is not the broker's): wait for it,
      // bounded, instead of a fixed sleep. A broker that leaks a session still fails here.
      await waitUntil(
        () => target.broker.sessionCount === 0 && target.broker.stats.clientsConnected === 0,
        'every session ended',
      );
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
