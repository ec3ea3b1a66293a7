import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, startTestBroker, waitUntil } from './helpers.js';
import type { TestBroker } from './helpers.js';

let target: TestBroker;
beforeEach(async () => {
  target = await startTestBroker();
});
afterEach(async () => {
  await target.stop();
});

async function subscriber(filter: string, qos: 0 | 1 | 2, version: 4 | 5 = 4): Promise<TestClient> {
  const client = await TestClient.connect(target.port, {}, version);
  client.send({ type: 'subscribe', packetId: 7, subscriptions: [{ topicFilter: filter, qos }] });
  const suback = await client.next('suback');
  expect(suback).toMatchObject({ packetId: 7, reasonCodes: [qos] });
  return client;
}

describe('QoS flows', () => {
  it('QoS 0 publish is delivered at QoS 0 without packet id', async () => {
    const sub = await subscriber('a/b', 2);
    const pub = await TestClient.connect(target.port);
    pub.send({ type: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    const got = await sub.next('publish');
    expect(got).toMatchObject({ topic: 'a/b', qos: 0, dup: false, retain: false });
    expect(got.packetId).toBeUndefined();
    expect(got.payload.toString()).toBe('x');
    sub.close();
    pub.close();
  });

  it('[MQTT-4.3.2-2] QoS 1: PUBACK to the publisher, delivery at QoS 1, PUBACK accepted', async () => {
    const sub = await subscriber('q1', 1);
    const pub = await TestClient.connect(target.port);
    pub.send({
      type: 'publish',
      topic: 'q1',
      payload: Buffer.from('m'),
      qos: 1,
      retain: false,
      dup: false,
      packetId: 42,
    });
    expect(await pub.next('puback')).toMatchObject({ packetId: 42 });
    const got = await sub.next('publish');
    expect(got).toMatchObject({ qos: 1, dup: false });
    expect(got.packetId).toBeGreaterThan(0);
    sub.send({ type: 'puback', packetId: got.packetId! });
    sub.close();
    pub.close();
  });

  it('[MQTT-3.8.4-6] downgrades to the granted QoS', async () => {
    const sub = await subscriber('down', 0);
    const pub = await TestClient.connect(target.port);
    pub.send({
      type: 'publish',
      topic: 'down',
      payload: Buffer.from('m'),
      qos: 2,
      retain: false,
      dup: false,
      packetId: 1,
    });
    await pub.next('pubrec');
    expect(await sub.next('publish')).toMatchObject({ qos: 0 });
    sub.close();
    pub.close();
  });

  it('[MQTT-4.3.3-2] QoS 2 inbound: PUBREC, a duplicate before PUBREL is not delivered twice, PUBCOMP', async () => {
    const sub = await subscriber('q2', 2);
    const pub = await TestClient.connect(target.port);
    const publish = {
      type: 'publish',
      topic: 'q2',
      payload: Buffer.from('once'),
      qos: 2,
      retain: false,
      dup: false,
      packetId: 9,
    } as const;
    pub.send(publish);
    expect(await pub.next('pubrec')).toMatchObject({ packetId: 9 });
    pub.send({ ...publish, dup: true });
    expect(await pub.next('pubrec')).toMatchObject({ packetId: 9 });
    pub.send({ type: 'pubrel', packetId: 9 });
    expect(await pub.next('pubcomp')).toMatchObject({ packetId: 9 });
    const got = await sub.next('publish');
    expect(got).toMatchObject({ qos: 2 });
    await sub.none('publish');
    // Outbound QoS 2: PUBREC from the subscriber is answered with PUBREL, then PUBCOMP completes it.
    sub.send({ type: 'pubrec', packetId: got.packetId! });
    expect(await sub.next('pubrel')).toMatchObject({ packetId: got.packetId });
    sub.send({ type: 'pubcomp', packetId: got.packetId! });
    // Bounded wait for the broker to read the PUBCOMP (a fixed 50 ms sleep raced it on a busy machine);
    // a broker that keeps the message in flight still fails.
    await waitUntil(() => target.broker.stats.inflight === 0, 'PUBCOMP released the in-flight message');
    expect(target.broker.stats.inflight).toBe(0);
    sub.close();
    pub.close();
  });

  it('in-order delivery of many QoS 1 messages', async () => {
    const sub = await subscriber('order', 1);
    const pub = await TestClient.connect(target.port);
    for (let i = 0; i < 50; i++) {
      pub.send({
        type: 'publish',
        topic: 'order',
        payload: Buffer.from(String(i)),
        qos: 1,
        retain: false,
        dup: false,
        packetId: i + 1,
      });
    }
    for (let i = 0; i < 50; i++) {
      const got = await sub.next('publish');
      expect(got.payload.toString()).toBe(String(i));
      sub.send({ type: 'puback', packetId: got.packetId! });
    }
    sub.close();
    pub.close();
  });

  it('[MQTT-3.3.4-7] v5: never more in flight than the client receive maximum', async () => {
    const sub = await TestClient.connect(target.port, { properties: { receiveMaximum: 2 } }, 5);
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'rm', qos: 1 }] });
    await sub.next('suback');
    const pub = await TestClient.connect(target.port, {}, 5);
    for (let i = 0; i < 5; i++) {
      pub.send({
        type: 'publish',
        topic: 'rm',
        payload: Buffer.from(String(i)),
        qos: 1,
        retain: false,
        dup: false,
        packetId: i + 1,
      });
    }
    const first = await sub.next('publish');
    const second = await sub.next('publish');
    await sub.none('publish');
    sub.send({ type: 'puback', packetId: first.packetId! });
    const third = await sub.next('publish');
    expect([first, second, third].map((p) => p.payload.toString())).toEqual(['0', '1', '2']);
    sub.close();
    pub.close();
  });

  it('[MQTT-3.3.4-8] v5: a client exceeding our receive maximum gets DISCONNECT 0x93', async () => {
    const small = await startTestBroker({ receiveMaximum: 2 });
    try {
      const pub = await TestClient.connect(small.port, {}, 5);
      for (let i = 1; i <= 3; i++) {
        pub.send({
          type: 'publish',
          topic: 't',
          payload: Buffer.from('x'),
          qos: 2,
          retain: false,
          dup: false,
          packetId: i,
        });
      }
      expect(await pub.next('disconnect')).toMatchObject({ reasonCode: 0x93 });
      await pub.waitClosed();
    } finally {
      await small.stop();
    }
  });

  it('v5: PUBACK 0x10 when nobody subscribes', async () => {
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send({
      type: 'publish',
      topic: 'nobody',
      payload: Buffer.from('x'),
      qos: 1,
      retain: false,
      dup: false,
      packetId: 3,
    });
    expect(await pub.next('puback')).toMatchObject({ packetId: 3, reasonCode: 0x10 });
    pub.close();
  });

  it('v5: PUBCOMP 0x92 for an unknown PUBREL', async () => {
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send({ type: 'pubrel', packetId: 77 });
    expect(await pub.next('pubcomp')).toMatchObject({ packetId: 77, reasonCode: 0x92 });
    pub.close();
  });
});
