// Phases 'stalled', 'wills' and 'retained': subscribers that never read while a publisher floods
// them, clients with wills that vanish, and a flood of retained messages a new subscriber must get.
import { connectClient, type RawClient } from './client.js';
import { running, sleep, type Phase, type PhaseContext, type PhaseStats } from './phase.js';

const TIMEOUT_MS = 10_000;

export const stalledPhase: Phase = {
  name: 'stalled',
  description:
    'subscribers (QoS 0 and 1) that stop reading while a publisher floods them with 16 KB messages',
  async run(context: PhaseContext): Promise<PhaseStats> {
    const deadline = Date.now() + context.durationMs;
    const run = context.random.int(0, 1e9).toString(36);
    const topic = `fuzz/stall/${run}`;
    const stats = { subscribers: 0, published: 0, publishBlockedMs: 0 };
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < 5 * context.scale; i++) {
        const subscriber = await connectClient(context.address, {
          clientId: `fuzz-stall-${run}-${i}`,
          timeoutMs: TIMEOUT_MS,
        });
        clients.push(subscriber);
        subscriber.send({
          type: 'subscribe',
          packetId: 1,
          subscriptions: [{ topicFilter: `${topic}/#`, qos: i % 2 === 0 ? 0 : 1 }],
        });
        await subscriber.next((packet) => packet.type === 'suback', TIMEOUT_MS);
        subscriber.socket.pause(); // from here on it never reads
        stats.subscribers++;
      }
      const publisher = await connectClient(context.address, {
        clientId: `fuzz-stall-pub-${run}`,
        timeoutMs: TIMEOUT_MS,
      });
      clients.push(publisher);
      publisher.socket.on('data', () => undefined);
      const payload = context.random.bytes(16 * 1024);
      let packetId = 1;
      while (running(context, deadline)) {
        const qos = stats.published % 2 === 0 ? 0 : 1;
        const written = publisher.send({
          type: 'publish',
          topic: `${topic}/m`,
          payload,
          qos,
          retain: false,
          dup: false,
          ...(qos === 1 ? { packetId: (packetId = (packetId % 65535) + 1) } : {}),
        });
        stats.published++;
        publisher.received.length = 0; // PUBACKs are not kept
        if (!written) {
          // The broker pushes back (or stopped reading): wait for drain, but never past the deadline.
          const begin = Date.now();
          const drained = new Promise((resolve) => publisher.socket.once('drain', resolve));
          // Woken each second (no abort listener outlives its wait) until drained or the deadline.
          while (
            publisher.socket.writableNeedDrain &&
            !publisher.socket.destroyed &&
            running(context, deadline)
          ) {
            await Promise.race([drained, sleep(1000, context.signal), publisher.closed]);
          }
          stats.publishBlockedMs += Date.now() - begin;
        }
        if (stats.published % 64 === 0) await sleep(1, context.signal);
      }
    } finally {
      for (const client of clients) client.destroy();
    }
    return stats;
  },
};

export const willsPhase: Phase = {
  name: 'wills',
  description: 'many clients with wills (QoS 0-2, some retained) that drop their connection',
  async run(context: PhaseContext): Promise<PhaseStats> {
    const deadline = Date.now() + context.durationMs;
    const run = context.random.int(0, 1e9).toString(36);
    const prefix = `fuzz/will/${run}`;
    const stats = { clients: 0, willsReceived: 0, failures: 0 };
    const retained = new Set<string>();
    const watcher = await connectClient(context.address, {
      clientId: `fuzz-will-watch-${run}`,
      timeoutMs: TIMEOUT_MS,
    });
    watcher.socket.on('data', () => {
      stats.willsReceived += watcher.received.filter(
        (packet) => packet.type === 'publish' && packet.payload.length > 0,
      ).length;
      watcher.received.length = 0;
    });
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: `${prefix}/#`, qos: 0 }] });
    try {
      let serial = 0;
      while (running(context, deadline)) {
        const batch = Array.from({ length: 50 * context.scale }, async () => {
          const index = serial++;
          const retain = index % 5 === 0;
          const topic = `${prefix}/${index}`;
          if (retain) retained.add(topic);
          stats.clients++;
          try {
            const client = await connectClient(context.address, {
              clientId: `fuzz-will-${run}-${index}`,
              timeoutMs: TIMEOUT_MS,
              will: {
                topic,
                payload: context.random.bytes(256),
                qos: context.random.pick([0, 1, 2] as const),
                retain,
              },
            });
            client.destroy(); // no DISCONNECT: the will is due
          } catch {
            stats.failures++;
          }
        });
        await Promise.all(batch);
        await sleep(50, context.signal);
      }
      await sleep(500);
      for (const topic of retained) {
        watcher.send({ type: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: true, dup: false });
      }
      await sleep(200);
    } finally {
      watcher.destroy();
    }
    return stats;
  },
};

export const retainedPhase: Phase = {
  name: 'retained',
  description: 'a flood of retained 1 KB messages, then a subscriber to all of them counts what arrives',
  async run(context: PhaseContext): Promise<PhaseStats> {
    const deadline = Date.now() + context.durationMs;
    const run = context.random.int(0, 1e9).toString(36);
    const prefix = `fuzz/retained/${run}`;
    const limit = 2000 * context.scale;
    const stats = { published: 0, delivered: 0 };
    const publisher = await connectClient(context.address, {
      clientId: `fuzz-ret-${run}`,
      timeoutMs: TIMEOUT_MS,
    });
    publisher.socket.on('data', () => (publisher.received.length = 0));
    const payload = context.random.bytes(1024);
    try {
      const publishUntil = Date.now() + context.durationMs / 2;
      while (stats.published < limit && running(context, publishUntil)) {
        const written = publisher.send({
          type: 'publish',
          topic: `${prefix}/${stats.published}`,
          payload,
          qos: 0,
          retain: true,
          dup: false,
        });
        stats.published++;
        if (!written)
          await Promise.race([
            new Promise((resolve) => publisher.socket.once('drain', resolve)),
            publisher.closed,
          ]);
      }
      // A PINGRESP after the last PUBLISH: the broker has read them all.
      publisher.send({ type: 'pingreq' });
      await publisher.next((packet) => packet.type === 'pingresp', TIMEOUT_MS).catch(() => undefined);
      const subscriber = await connectClient(context.address, {
        clientId: `fuzz-ret-sub-${run}`,
        timeoutMs: TIMEOUT_MS,
      });
      subscriber.socket.on('data', () => {
        stats.delivered += subscriber.received.filter((packet) => packet.type === 'publish').length;
        subscriber.received.length = 0;
      });
      subscriber.send({
        type: 'subscribe',
        packetId: 1,
        subscriptions: [{ topicFilter: `${prefix}/#`, qos: 0 }],
      });
      // The subscriber gets the phase's time left, and at least 15 s, to receive them all.
      const readUntil = Math.max(deadline, Date.now() + 15_000);
      while (stats.delivered < stats.published && running(context, readUntil)) {
        await sleep(100, context.signal);
      }
      subscriber.destroy();
      for (let i = 0; i < stats.published; i++) {
        const written = publisher.send({
          type: 'publish',
          topic: `${prefix}/${i}`,
          payload: Buffer.alloc(0),
          qos: 0,
          retain: true,
          dup: false,
        });
        if (!written)
          await Promise.race([
            new Promise((resolve) => publisher.socket.once('drain', resolve)),
            publisher.closed,
            sleep(5000),
          ]);
      }
      publisher.send({ type: 'pingreq' });
      await publisher.next((packet) => packet.type === 'pingresp', TIMEOUT_MS).catch(() => undefined);
    } finally {
      publisher.destroy();
    }
    return stats;
  },
};
