import { describe, expect, it } from 'vitest';
import { TestClient, connectPacket, startTestBroker } from './helpers.js';

describe('hooks and limits', () => {
  it('authorizeSubscribe: refused filters get 0x80 (3.1.1) / 0x87 (v5)', async () => {
    const target = await startTestBroker({
      authorizeSubscribe: (_client, filter) => !filter.startsWith('secret'),
    });
    try {
      for (const [version, refused] of [
        [4, 0x80],
        [5, 0x87],
      ] as const) {
        const client = await TestClient.connect(target.port, {}, version);
        client.send({
          type: 'subscribe',
          packetId: 2,
          subscriptions: [
            { topicFilter: 'secret/x', qos: 1 },
            { topicFilter: 'open', qos: 1 },
          ],
        });
        expect((await client.next('suback')).reasonCodes).toEqual([refused, 1]);
        client.close();
      }
    } finally {
      await target.stop();
    }
  });

  it('a throwing hook denies instead of crashing the broker', async () => {
    const target = await startTestBroker({
      authorizePublish: () => {
        throw new Error('boom');
      },
    });
    try {
      const client = await TestClient.connect(target.port, {}, 5);
      client.send({
        type: 'publish',
        topic: 't',
        payload: Buffer.from('x'),
        qos: 1,
        retain: false,
        dup: false,
        packetId: 1,
      });
      expect(await client.next('puback')).toMatchObject({ reasonCode: 0x87 });
      client.close();
    } finally {
      await target.stop();
    }
  });

  it('maxConnections: the extra client gets CONNACK 0x03 (3.1.1) / 0x89 (v5)', async () => {
    const target = await startTestBroker({ maxConnections: 1 });
    try {
      const first = await TestClient.connect(target.port);
      const extra = await TestClient.open(target.port, 4);
      extra.send(connectPacket({}, 4));
      expect(await extra.next('connack')).toMatchObject({ reasonCode: 0x03 });
      const extra5 = await TestClient.open(target.port, 5);
      extra5.send(connectPacket({}, 5));
      expect(await extra5.next('connack')).toMatchObject({ reasonCode: 0x89 });
      first.close();
    } finally {
      await target.stop();
    }
  });

  it('MQTT 3.1 never reports a session present', async () => {
    const target = await startTestBroker();
    try {
      const first = await TestClient.connect(target.port, { clientId: 'v31', cleanStart: false }, 3);
      await first.disconnect();
      const again = await TestClient.open(target.port, 3);
      again.send(connectPacket({ clientId: 'v31', cleanStart: false }, 3));
      expect(await again.next('connack')).toMatchObject({ reasonCode: 0, sessionPresent: false });
      again.close();
    } finally {
      await target.stop();
    }
  });
});
