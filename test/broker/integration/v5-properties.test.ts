// MQTT 5 features end to end: topic aliases, message expiry, no local, user properties, subscription ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurs, startTarget, type Target } from './helpers/target.js';
import { connectClient, settle } from './helpers/mqttjs.js';
import { RawClient } from '../../../bench/lib/raw-client.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

describe('topic aliases', () => {
  it('a publisher may send the topic once and then only the alias [MQTT-3.3.2-12]', async () => {
    const sub = await connectClient(target.url, { protocolVersion: 5 });
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await sub.subscribe('alias/#', { qos: 1 });
      await pub.publish('alias/long/topic/name', 'with topic', { qos: 1, properties: { topicAlias: 1 } });
      await pub.publish('', 'alias only', { qos: 1, properties: { topicAlias: 1 } });
      const second = await sub.waitFor((m) => m.payload === 'alias only', 'message sent by alias');
      // the subscriber has not agreed to aliases: it receives the full topic name
      expect(second.topic).toBe('alias/long/topic/name');
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });
});

describe.runIf(isOurs)('topic alias errors (raw packets)', () => {
  it('an alias above the CONNACK Topic Alias Maximum gets DISCONNECT 0x94 [MQTT-3.3.2-9]', async () => {
    const c = await RawClient.connect(target.port, { clientId: 'alias-too-big' }, 5);
    try {
      c.send({
        type: 'publish',
        topic: 'alias/x',
        payload: Buffer.from('x'),
        qos: 0,
        retain: false,
        dup: false,
        properties: { topicAlias: 60000 },
      });
      const disconnect = await c.next((p) => p.type === 'disconnect');
      expect(disconnect.type === 'disconnect' && disconnect.reasonCode).toBe(0x94);
    } finally {
      c.destroy();
    }
  });

  it('an alias never set, with an empty topic, gets DISCONNECT 0x82 (v5 3.3.2.3.4: a Protocol Error)', async () => {
    const c = await RawClient.connect(target.port, { clientId: 'alias-unknown' }, 5);
    try {
      c.send({
        type: 'publish',
        topic: '',
        payload: Buffer.from('x'),
        qos: 0,
        retain: false,
        dup: false,
        properties: { topicAlias: 3 },
      });
      const disconnect = await c.next((p) => p.type === 'disconnect');
      expect(disconnect.type === 'disconnect' && disconnect.reasonCode).toBe(0x82);
    } finally {
      c.destroy();
    }
  });
});

describe('message expiry', () => {
  it('a retained message disappears after its expiry interval [MQTT-3.3.2-5]', async () => {
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    await pub.publish('expiry/retained', 'short-lived', {
      qos: 1,
      retain: true,
      properties: { messageExpiryInterval: 1 },
    });
    await pub.end();
    await settle(2200);
    const sub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await sub.subscribe('expiry/retained', { qos: 1 });
      await settle(400);
      expect(sub.messages).toHaveLength(0);
    } finally {
      await sub.end();
    }
  });

  it('a queued message expires while the subscriber is offline; a live one carries the remaining interval [MQTT-3.3.2-6]', async () => {
    const clientId = 'expiry-offline';
    const opts = {
      protocolVersion: 5 as const,
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: 300 },
    };
    const first = await connectClient(target.url, { ...opts, clean: true });
    await first.subscribe('expiry/queued', { qos: 1 });
    await first.end();
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    await pub.publish('expiry/queued', 'expires', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publish('expiry/queued', 'stays', { qos: 1, properties: { messageExpiryInterval: 100 } });
    await pub.end();
    await settle(2200);
    const second = await connectClient(target.url, opts);
    try {
      const kept = await second.waitFor((m) => m.payload === 'stays', 'unexpired queued message');
      const remaining = kept.packet.properties?.messageExpiryInterval;
      expect(remaining).toBeDefined();
      expect(remaining!).toBeLessThan(100);
      await settle(300);
      expect(second.messages.map((m) => m.payload)).toEqual(['stays']);
    } finally {
      await second.end();
    }
  });
});

describe('subscription options and properties', () => {
  it('no local: a client does not receive its own messages [MQTT-3.8.3-3]', async () => {
    const c = await connectClient(target.url, { protocolVersion: 5 });
    const other = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await c.subscribe('nolocal/t', { qos: 1, nl: true });
      await c.publish('nolocal/t', 'mine', { qos: 1 });
      await other.publish('nolocal/t', 'theirs', { qos: 1 });
      await c.waitFor((m) => m.payload === 'theirs', 'message from another client');
      await settle(200);
      expect(c.messages.map((m) => m.payload)).toEqual(['theirs']);
    } finally {
      await Promise.all([c.end(), other.end()]);
    }
  });

  it('user properties, content type, response topic and correlation data are forwarded unchanged [MQTT-3.3.2-17]', async () => {
    const sub = await connectClient(target.url, { protocolVersion: 5 });
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await sub.subscribe('props/t', { qos: 1 });
      await pub.publish('props/t', '{}', {
        qos: 1,
        properties: {
          userProperties: { a: '1', b: '2' },
          contentType: 'application/json',
          responseTopic: 'props/reply',
          correlationData: Buffer.from('c0ffee', 'hex'),
          payloadFormatIndicator: true,
        },
      });
      const m = await sub.waitFor((x) => x.topic === 'props/t', 'message with properties');
      expect(m.packet.properties?.userProperties).toEqual({ a: '1', b: '2' });
      expect(m.packet.properties?.contentType).toBe('application/json');
      expect(m.packet.properties?.responseTopic).toBe('props/reply');
      expect(m.packet.properties?.correlationData?.toString('hex')).toBe('c0ffee');
      expect(m.packet.properties?.payloadFormatIndicator).toBe(true);
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });

  it('subscription identifiers come back on matching messages [MQTT-3.3.4-3]', async () => {
    const sub = await connectClient(target.url, { protocolVersion: 5 });
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await withId(sub, 'subid/+', 7);
      await pub.publish('subid/x', 'x', { qos: 1 });
      const m = await sub.waitFor((x) => x.topic === 'subid/x', 'message with subscription id');
      const ids = m.packet.properties?.subscriptionIdentifier;
      expect(Array.isArray(ids) ? ids : [ids]).toEqual([7]);
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });
});

async function withId(
  c: Awaited<ReturnType<typeof connectClient>>,
  filter: string,
  id: number,
): Promise<void> {
  await c.client.subscribeAsync(filter, { qos: 1, properties: { subscriptionIdentifier: id } });
}
