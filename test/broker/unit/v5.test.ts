import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encode } from '../../../wire/index.js';
import type { PublishPacket } from '../../../wire/types.js';
import { TestClient, startTestBroker } from './helpers.js';
import type { TestBroker } from './helpers.js';

let target: TestBroker;
beforeEach(async () => {
  target = await startTestBroker({ maxPacketSize: 1024 });
});
afterEach(async () => {
  await target.stop();
});

function publish(
  topic: string,
  payload: string | Buffer,
  fields: Partial<PublishPacket> = {},
): PublishPacket {
  return {
    type: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos: 0,
    retain: false,
    dup: false,
    ...fields,
  };
}

async function subscribed(filter: string, connectProperties = {}): Promise<TestClient> {
  const client = await TestClient.connect(target.port, { properties: connectProperties }, 5);
  client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: filter, qos: 1 }] });
  await client.next('suback');
  return client;
}

describe('MQTT 5 features', () => {
  it('[MQTT-3.3.2-17] [MQTT-3.3.2-18] forwards publish properties unaltered and in order', async () => {
    const sub = await subscribed('props');
    const pub = await TestClient.connect(target.port, {}, 5);
    const properties = {
      payloadFormatIndicator: 1,
      contentType: 'text/plain',
      responseTopic: 'reply/here',
      correlationData: Buffer.from([1, 2, 3]),
      userProperties: [
        ['b', '2'],
        ['a', '1'],
        ['b', '3'],
      ] as [string, string][],
    };
    pub.send(publish('props', 'x', { properties }));
    const got = await sub.next('publish');
    expect(got.properties).toMatchObject(properties);
    sub.close();
    pub.close();
  });

  it('inbound topic aliases: defined, reused, and out-of-range alias gets DISCONNECT 0x94', async () => {
    const sub = await subscribed('alias/t');
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send(publish('alias/t', 'first', { properties: { topicAlias: 3 } }));
    pub.send(publish('', 'second', { properties: { topicAlias: 3 } }));
    expect((await sub.next('publish')).payload.toString()).toBe('first');
    const second = await sub.next('publish');
    expect(second.topic).toBe('alias/t');
    expect(second.payload.toString()).toBe('second');
    pub.send(publish('x', 'bad', { properties: { topicAlias: 17 } }));
    expect(await pub.next('disconnect')).toMatchObject({ reasonCode: 0x94 });
    sub.close();
  });

  it('outbound topic aliases within the client maximum', async () => {
    const sub = await subscribed('out/#', { topicAliasMaximum: 1 });
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send(publish('out/a', '1'));
    pub.send(publish('out/a', '2'));
    pub.send(publish('out/b', '3'));
    const [one, two, three] = [
      await sub.next('publish'),
      await sub.next('publish'),
      await sub.next('publish'),
    ];
    expect(one).toMatchObject({ topic: 'out/a', properties: { topicAlias: 1 } });
    expect(two).toMatchObject({ topic: '', properties: { topicAlias: 1 } });
    expect(three.topic).toBe('out/b');
    expect(three.properties?.topicAlias).toBeUndefined();
    sub.close();
    pub.close();
  });

  it('[MQTT-3.1.2-25] a message larger than the client maximum packet size is dropped for that client only', async () => {
    const small = await subscribed('big', { maximumPacketSize: 64 });
    const large = await subscribed('big');
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send(publish('big', Buffer.alloc(200, 1), { qos: 1, packetId: 1 }));
    expect((await large.next('publish')).payload.length).toBe(200);
    await small.none('publish');
    expect(target.broker.stats.messagesDropped).toBe(1);
    expect(target.broker.stats.inflight).toBe(1); // only the large client's copy awaits PUBACK
    for (const c of [small, large, pub]) c.close();
  });

  it('an inbound packet above maxPacketSize gets DISCONNECT 0x95', async () => {
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.raw(encode(publish('big', Buffer.alloc(2000)), 5));
    expect(await pub.next('disconnect')).toMatchObject({ reasonCode: 0x95 });
    await pub.waitClosed();
  });

  it('request problem information 0: no reason string on refusals', async () => {
    const denying = await startTestBroker({ authorizePublish: () => false });
    try {
      const quiet = await TestClient.connect(
        denying.port,
        { properties: { requestProblemInformation: 0 } },
        5,
      );
      quiet.send(publish('t', 'x', { qos: 1, packetId: 1 }));
      const ack = await quiet.next('puback');
      expect(ack.reasonCode).toBe(0x87);
      expect(ack.properties?.reasonString).toBeUndefined();
      const verbose = await TestClient.connect(denying.port, {}, 5);
      verbose.send(publish('t', 'x', { qos: 1, packetId: 1 }));
      expect((await verbose.next('puback')).properties?.reasonString).toBeTypeOf('string');
      quiet.close();
      verbose.close();
    } finally {
      await denying.stop();
    }
  });

  it('server keep-alive is advertised and session expiry above the maximum is capped', async () => {
    const strict = await startTestBroker({ serverKeepAlive: 30, maxSessionExpiryInterval: 100 });
    try {
      const client = await TestClient.open(strict.port, 5);
      client.send({
        type: 'connect',
        protocolName: 'MQTT',
        protocolLevel: 5,
        cleanStart: true,
        keepAlive: 0,
        clientId: 'ka',
        properties: { sessionExpiryInterval: 5000 },
      });
      const connack = await client.next('connack');
      expect(connack.properties).toMatchObject({ serverKeepAlive: 30, sessionExpiryInterval: 100 });
      client.close();
    } finally {
      await strict.stop();
    }
  });

  it('message expiry: the forwarded interval counts down while queued', async () => {
    const sub = await TestClient.connect(
      target.port,
      { clientId: 'me', properties: { sessionExpiryInterval: 60 } },
      5,
    );
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'me', qos: 1 }] });
    await sub.next('suback');
    sub.close();
    await sub.waitClosed();
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send(publish('me', 'gone', { qos: 1, packetId: 1, properties: { messageExpiryInterval: 1 } }));
    pub.send(publish('me', 'kept', { qos: 1, packetId: 2, properties: { messageExpiryInterval: 60 } }));
    await pub.next('puback');
    await pub.next('puback');
    await new Promise((r) => setTimeout(r, 1100));
    const back = await TestClient.connect(
      target.port,
      { clientId: 'me', cleanStart: false, properties: { sessionExpiryInterval: 60 } },
      5,
    );
    const got = await back.next('publish');
    expect(got.payload.toString()).toBe('kept');
    expect(got.properties?.messageExpiryInterval).toBeLessThan(60);
    await back.none('publish');
    back.close();
    pub.close();
  });

  it('[MQTT-3.3.2-14] a wildcard Response Topic is a protocol error and is not forwarded', async () => {
    const sub = await subscribed('rt');
    const pub = await TestClient.connect(target.port, {}, 5);
    pub.send(publish('rt', 'x', { properties: { responseTopic: 'reply/#' } }));
    expect(await pub.next('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await sub.none('publish');
    sub.close();
  });

  it('refusing CONNACK leaves out a reason string that would exceed the client maximum packet size', async () => {
    const client = await TestClient.open(target.port, 5);
    client.send({
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel: 5,
      cleanStart: true,
      keepAlive: 0,
      clientId: 'x',
      properties: { authenticationMethod: 'PLAIN', maximumPacketSize: 16 },
    });
    const connack = await client.next('connack');
    expect(connack.reasonCode).toBe(0x8c);
    expect(connack.properties?.reasonString).toBeUndefined();
    await client.waitClosed();
  });
});
