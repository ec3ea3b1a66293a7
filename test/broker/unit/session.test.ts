import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublishPacket } from '../../../wire/types.js';
import { TestClient, connectPacket, startTestBroker, waitUntil } from './helpers.js';
import type { TestBroker } from './helpers.js';

let target: TestBroker;
beforeEach(async () => {
  target = await startTestBroker();
});
afterEach(async () => {
  await target.stop();
});

function publish(topic: string, payload: string, fields: Partial<PublishPacket> = {}): PublishPacket {
  return {
    type: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos: 1,
    retain: false,
    dup: false,
    packetId: 1,
    ...fields,
  };
}

describe('sessions', () => {
  it('[MQTT-3.1.2-4] [MQTT-4.4.0-1] persistent session: queue offline, resend unacknowledged with DUP, in order', async () => {
    const first = await TestClient.connect(target.port, { clientId: 'p', cleanStart: false });
    first.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'p/#', qos: 1 }] });
    await first.next('suback');
    const pub = await TestClient.connect(target.port);
    pub.send(publish('p/1', 'one', { packetId: 1 }));
    const unacked = await first.next('publish');
    expect(unacked.payload.toString()).toBe('one');
    first.close(); // no PUBACK
    await first.waitClosed();
    // The broker must have taken the session offline before p/2 and p/3 arrive (else they go to the
    // dying connection): wait for it (bounded) rather than sleep 50 ms and hope.
    await waitUntil(() => target.broker.stats.clientsConnected === 1, 'the broker saw the close');
    pub.send(publish('p/2', 'two', { packetId: 2 }));
    pub.send(publish('p/3', 'three', { packetId: 3, qos: 2 }));
    await pub.next('puback');
    await pub.next('pubrec');

    const again = await TestClient.open(target.port, 4);
    again.send(connectPacket({ clientId: 'p', cleanStart: false }, 4));
    expect(await again.next('connack')).toMatchObject({ reasonCode: 0, sessionPresent: true });
    const resent = await again.next('publish');
    expect(resent).toMatchObject({ dup: true, packetId: unacked.packetId });
    expect(resent.payload.toString()).toBe('one');
    const two = await again.next('publish');
    const three = await again.next('publish');
    expect([two.payload.toString(), three.payload.toString()]).toEqual(['two', 'three']);
    expect(two.dup).toBe(false);
    expect(three.qos).toBe(1); // granted QoS 1
    again.close();
    pub.close();
  });

  it('[MQTT-3.1.2-6] clean session discards the stored session', async () => {
    const first = await TestClient.connect(target.port, { clientId: 'c', cleanStart: false });
    first.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'c', qos: 1 }] });
    await first.next('suback');
    first.close();
    await first.waitClosed();
    const clean = await TestClient.open(target.port, 4);
    clean.send(connectPacket({ clientId: 'c', cleanStart: true }, 4));
    expect(await clean.next('connack')).toMatchObject({ sessionPresent: false });
    const pub = await TestClient.connect(target.port);
    pub.send(publish('c', 'x'));
    await pub.next('puback');
    await clean.none('publish');
    clean.close();
    pub.close();
  });

  it('[MQTT-3.3.1-1] [MQTT-4.4.0-1] v5: a message held back by Receive Maximum on resume keeps DUP 1 and its packet id on the next resume', async () => {
    const kept = { clientId: 'rm', properties: { sessionExpiryInterval: 60 } };
    const first = await TestClient.connect(target.port, kept, 5);
    first.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'rm/#', qos: 1 }] });
    await first.next('suback');
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send(publish('rm/1', 'one', { packetId: 1 }));
    pub.send(publish('rm/2', 'two', { packetId: 2 }));
    const one = await first.next('publish');
    const two = await first.next('publish');
    expect([one.payload.toString(), two.payload.toString()]).toEqual(['one', 'two']);
    first.close(); // no PUBACK for either
    await first.waitClosed();

    // Receive Maximum 1: 'one' takes the only slot, 'two' (sent before) waits in the session.
    const narrow = await TestClient.open(target.port, 5);
    narrow.send(
      connectPacket(
        { ...kept, cleanStart: false, properties: { sessionExpiryInterval: 60, receiveMaximum: 1 } },
        5,
      ),
    );
    expect(await narrow.next('connack')).toMatchObject({ reasonCode: 0, sessionPresent: true });
    expect(await narrow.next('publish')).toMatchObject({ dup: true, packetId: one.packetId });
    await narrow.none('publish');
    narrow.close(); // still no PUBACK
    await narrow.waitClosed();

    const wide = await TestClient.open(target.port, 5);
    wide.send(connectPacket({ ...kept, cleanStart: false }, 5));
    expect(await wide.next('connack')).toMatchObject({ reasonCode: 0, sessionPresent: true });
    const resentOne = await wide.next('publish');
    const resentTwo = await wide.next('publish');
    expect(resentOne).toMatchObject({ dup: true, packetId: one.packetId });
    expect(resentOne.payload.toString()).toBe('one');
    // 'two' was sent on the first connection: any later send of it is a re-delivery.
    expect(resentTwo).toMatchObject({ dup: true, packetId: two.packetId });
    expect(resentTwo.payload.toString()).toBe('two');
    wide.close();
    pub.close();
  });

  it('v5: session expiry 0 ends the session with the connection; >0 keeps it', async () => {
    const keep = await TestClient.connect(
      target.port,
      { clientId: 'k', properties: { sessionExpiryInterval: 60 } },
      5,
    );
    keep.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'k', qos: 1 }] });
    await keep.next('suback');
    await keep.disconnect();
    expect(target.broker.sessionCount).toBe(1);
    const back = await TestClient.open(target.port, 5);
    back.send(connectPacket({ clientId: 'k', cleanStart: false }, 5));
    expect(await back.next('connack')).toMatchObject({ sessionPresent: true });
    await back.disconnect(); // expiry 0 this time
    await waitUntil(() => target.broker.sessionCount === 0, 'the session ended'); // bounded: a kept session fails
    expect(target.broker.sessionCount).toBe(0);
    expect(target.broker.stats.subscriptions).toBe(0);
  });

  it('[MQTT-3.1.4-2] takeover: the old connection is closed (v5 DISCONNECT 0x8E)', async () => {
    const old = await TestClient.connect(target.port, { clientId: 'same' }, 5);
    const replacement = await TestClient.connect(target.port, { clientId: 'same' }, 5);
    expect(await old.next('disconnect')).toMatchObject({ reasonCode: 0x8e });
    await old.waitClosed();
    replacement.send({ type: 'pingreq' });
    await replacement.next('pingresp');
    replacement.close();
  });

  it('bounded offline queue: overflow dropped and counted', async () => {
    const small = await startTestBroker({ maxQueuedMessages: 3 });
    try {
      const sub = await TestClient.connect(small.port, { clientId: 'q', cleanStart: false });
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'q', qos: 1 }] });
      await sub.next('suback');
      sub.close();
      await sub.waitClosed();
      // The session must be offline before the five messages: wait for the broker to see the close.
      await waitUntil(() => small.broker.stats.clientsConnected === 0, 'the broker saw the close');
      const pub = await TestClient.connect(small.port);
      for (let i = 1; i <= 5; i++) pub.send(publish('q', String(i), { packetId: i }));
      for (let i = 1; i <= 5; i++) await pub.next('puback');
      expect(small.broker.stats.messagesDropped).toBe(2);
      const back = await TestClient.connect(small.port, { clientId: 'q', cleanStart: false });
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push((await back.next('publish')).payload.toString());
      expect(got).toEqual(['1', '2', '3']);
      await back.none('publish');
      back.close();
      pub.close();
    } finally {
      await small.stop();
    }
  });
});

describe('wills', () => {
  it('[MQTT-3.1.2-8] published on abnormal close, with its retain flag', async () => {
    const watcher = await TestClient.connect(target.port);
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'will/#', qos: 1 }] });
    await watcher.next('suback');
    const dying = await TestClient.connect(target.port, {
      will: { topic: 'will/a', payload: Buffer.from('bye'), qos: 1, retain: true },
    });
    dying.close();
    const got = await watcher.next('publish');
    expect(got.payload.toString()).toBe('bye');
    expect(target.broker.stats.retainedCount).toBe(1);
    watcher.close();
  });

  it('[MQTT-3.14.4-3] not published after DISCONNECT; v5 DISCONNECT 0x04 keeps it', async () => {
    const watcher = await TestClient.connect(target.port, {}, 5);
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'w', qos: 0 }] });
    await watcher.next('suback');
    const polite = await TestClient.connect(
      target.port,
      { will: { topic: 'w', payload: Buffer.from('no'), qos: 0, retain: false } },
      5,
    );
    await polite.disconnect();
    await watcher.none('publish');
    const keeps = await TestClient.connect(
      target.port,
      { will: { topic: 'w', payload: Buffer.from('yes'), qos: 0, retain: false } },
      5,
    );
    keeps.send({ type: 'disconnect', reasonCode: 0x04 });
    expect((await watcher.next('publish')).payload.toString()).toBe('yes');
    watcher.close();
  });

  it('[MQTT-3.1.3-9] v5 will delay: cancelled when the client returns in time', async () => {
    const watcher = await TestClient.connect(target.port, {}, 5);
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'wd', qos: 0 }] });
    await watcher.next('suback');
    const will = {
      topic: 'wd',
      payload: Buffer.from('late'),
      qos: 0 as const,
      retain: false,
      properties: { willDelayInterval: 30 },
    };
    const first = await TestClient.connect(
      target.port,
      { clientId: 'wd', will, properties: { sessionExpiryInterval: 60 } },
      5,
    );
    first.close();
    await first.waitClosed();
    await watcher.none('publish', 200);
    const back = await TestClient.connect(
      target.port,
      { clientId: 'wd', cleanStart: false, properties: { sessionExpiryInterval: 60 } },
      5,
    );
    await back.disconnect();
    await watcher.none('publish', 200);
    watcher.close();
  });

  it('v5 will delay longer than the session: sent when the session ends', async () => {
    const watcher = await TestClient.connect(target.port, {}, 5);
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'ws', qos: 0 }] });
    await watcher.next('suback');
    const will = {
      topic: 'ws',
      payload: Buffer.from('now'),
      qos: 0 as const,
      retain: false,
      properties: { willDelayInterval: 30 },
    };
    const client = await TestClient.connect(target.port, { will }, 5); // session expiry 0
    client.close();
    expect((await watcher.next('publish')).payload.toString()).toBe('now');
    watcher.close();
  });
});
