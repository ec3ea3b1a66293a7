// $SYS/broker/... topics: published periodically, retained, counting what the broker did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurs, startTarget, type Target } from './helpers/target.js';
import { connectClient, settle } from './helpers/mqttjs.js';

describe.runIf(isOurs)('$SYS topics', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget({ sysIntervalMs: 100 });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('publishes every counter as a retained message under $SYS/broker/', async () => {
    const c = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await c.subscribe('$SYS/broker/#', { qos: 0 });
      const expected = [
        'clients/connected',
        'clients/total',
        'messages/received',
        'messages/sent',
        'messages/dropped',
        'bytes/received',
        'bytes/sent',
        'subscriptions/count',
        'retained messages/count',
        'uptime',
        'version',
      ].map((t) => `$SYS/broker/${t}`);
      for (const topic of expected) await c.waitFor((m) => m.topic === topic, topic);
      // the first ones come from the retained store at subscribe time
      const first = c.messages.find((m) => m.topic === '$SYS/broker/version')!;
      expect(first.packet.retain).toBe(true);
      expect(first.payload).toMatch(/broker/);
      expect(c.messages.find((m) => m.topic === '$SYS/broker/uptime')!.payload).toMatch(/^\d+ seconds$/);
    } finally {
      await c.end();
    }
  });

  it('counts connected clients, received messages and subscriptions', async () => {
    const watcher = await connectClient(target.url, { protocolVersion: 4 });
    const others = await Promise.all([1, 2].map(() => connectClient(target.url, { protocolVersion: 4 })));
    try {
      await watcher.subscribe('$SYS/broker/#', { qos: 0 });
      for (let i = 0; i < 5; i++) await others[0]!.publish('sys/count', String(i), { qos: 1 });
      const value = (topic: string) => (m: { topic: string; payload: string }) =>
        m.topic === `$SYS/broker/${topic}`;
      const atLeast = (topic: string, n: number) => (m: { topic: string; payload: string }) =>
        value(topic)(m) && Number(m.payload) >= n;
      await watcher.waitFor(atLeast('clients/connected', 3), 'clients/connected >= 3');
      await watcher.waitFor(atLeast('messages/received', 5), 'messages/received >= 5');
      await watcher.waitFor(atLeast('subscriptions/count', 1), 'subscriptions/count >= 1');
      await watcher.waitFor(atLeast('bytes/received', 1), 'bytes/received > 0');
    } finally {
      await Promise.all([watcher, ...others].map((c) => c.end()));
    }
  });

  it('a client cannot overwrite $SYS/broker/ topics (v5 PUBACK 0x87)', async () => {
    const c = await connectClient(target.url, { protocolVersion: 5 });
    try {
      const refused = await c.client
        .publishAsync('$SYS/broker/version', 'forged', { qos: 1, retain: true })
        .then(
          () => undefined,
          (e: unknown) => e as { code?: number },
        );
      expect(refused?.code).toBe(0x87);
      await c.subscribe('$SYS/broker/version', { qos: 0 });
      const m = await c.waitFor((x) => x.topic === '$SYS/broker/version', 'version');
      expect(m.payload).not.toBe('forged');
    } finally {
      await c.end();
    }
  });

  it('a # subscription does not receive $SYS topics [MQTT-4.7.2-1]', async () => {
    const c = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await c.subscribe('#', { qos: 0 });
      await settle(400); // four $SYS intervals
      expect(c.messages.filter((m) => m.topic.startsWith('$'))).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
