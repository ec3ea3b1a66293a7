// Mutations of sessions, acknowledgements, retained messages, wills and keep alive: each exchange is
// run against the correct broker and against the mutated one, and the observations must differ.
// Where the correct broker sends nothing, a later packet in the same ordered stream (a marker
// message, a PINGRESP) shows that nothing came, instead of a waiting window.
import { describe, expect, it, vi } from 'vitest';
import { TestClient, connectPacket } from './helpers.js';
import { both, publish, stillOpen, subscribed, watching } from './mutant-helpers.js';

// The exchanges are MQTT 3.1.1; the ids in the test names are those of the 3.1.1 statements.
describe('mutations change behaviour (sessions, acks, retained, will)', () => {
  it('empty-retained-not-deleted [MQTT-3.3.1-10]: an empty retained PUBLISH deletes the retained message', async () => {
    const first = await both('empty-retained-not-deleted', async (port) => {
      const pub = await TestClient.connect(port);
      pub.send(publish('r', { retain: true, qos: 1, packetId: 1, payload: Buffer.from('kept') }));
      await pub.next('puback');
      pub.send(publish('r', { retain: true, qos: 1, packetId: 2, payload: Buffer.alloc(0) }));
      await pub.next('puback');
      const sub = await subscribed(port, 'r');
      pub.send(publish('r', { payload: Buffer.from('marker') }));
      const got = await sub.next('publish');
      return { payload: got.payload.toString(), retain: got.retain };
    });
    expect(first).toEqual([
      { payload: 'marker', retain: false },
      { payload: '', retain: true },
    ]);
  });

  it('accept-empty-clientid-persistent [MQTT-3.1.3-8]: 3.1.1 empty client id with clean session 0 is rejected', async () => {
    const codes = await both('accept-empty-clientid-persistent', async (port) => {
      const client = await TestClient.open(port, 4);
      client.send(connectPacket({ clientId: '', cleanStart: false }, 4));
      return (await client.next('connack')).reasonCode;
    });
    expect(codes).toEqual([0x02, 0x00]);
  });

  it('clean-start-keeps-session [MQTT-3.1.2-6]: clean session 1 discards the stored session', async () => {
    const outcome = await both('clean-start-keeps-session', async (port) => {
      const first = await TestClient.connect(port, { clientId: 'cs', cleanStart: false });
      first.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'k', qos: 1 }] });
      await first.next('suback');
      await first.disconnect();
      const again = await TestClient.open(port, 4);
      again.send(connectPacket({ clientId: 'cs', cleanStart: true }, 4));
      const { sessionPresent } = await again.next('connack');
      // The old subscription to 'k' must be gone: the marker on 'm' alone arrives.
      again.send({ type: 'subscribe', packetId: 2, subscriptions: [{ topicFilter: 'm', qos: 0 }] });
      await again.next('suback');
      const pub = await TestClient.connect(port);
      pub.send(publish('k'));
      pub.send(publish('m'));
      return { sessionPresent, first: (await again.next('publish')).topic };
    });
    expect(outcome).toEqual([
      { sessionPresent: false, first: 'm' },
      { sessionPresent: true, first: 'k' },
    ]);
  });

  it('no-session-takeover [MQTT-3.1.4-2]: a second connection with the same client id closes the first', async () => {
    const first = await both('no-session-takeover', async (port) => {
      const older = await TestClient.connect(port, { clientId: 'twin' });
      await TestClient.connect(port, { clientId: 'twin' });
      return stillOpen(older);
    });
    expect(first).toEqual(['closed', 'open']);
  });

  it('offline-messages-dropped [MQTT-3.1.2-5]: QoS 1 messages for an offline session are queued', async () => {
    const first = await both('offline-messages-dropped', async (port) => {
      const sub = await TestClient.connect(port, { clientId: 'off', cleanStart: false });
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'o', qos: 1 }] });
      await sub.next('suback');
      await sub.disconnect();
      const pub = await TestClient.connect(port);
      pub.send(publish('o', { qos: 1, packetId: 1, payload: Buffer.from('queued') }));
      await pub.next('puback');
      const back = await TestClient.connect(port, { clientId: 'off', cleanStart: false });
      pub.send(publish('o', { qos: 1, packetId: 2, payload: Buffer.from('marker') }));
      return (await back.next('publish')).payload.toString();
    });
    expect(first).toEqual(['queued', 'marker']);
  });

  it('no-puback [MQTT-4.3.2-2]: a QoS 1 PUBLISH is acknowledged', async () => {
    const acked = await both('no-puback', async (port) => {
      const client = await TestClient.connect(port);
      client.send(publish('a', { qos: 1, packetId: 7 }));
      await stillOpen(client);
      return client.packets.some((p) => p.type === 'puback');
    });
    expect(acked).toEqual([true, false]);
  });

  it('no-pubcomp [MQTT-4.3.3-2]: a PUBREL is answered with PUBCOMP', async () => {
    const completed = await both('no-pubcomp', async (port) => {
      const client = await TestClient.connect(port);
      client.send(publish('a', { qos: 2, packetId: 7 }));
      await client.next('pubrec');
      client.send({ type: 'pubrel', packetId: 7 });
      await stillOpen(client);
      return client.packets.some((p) => p.type === 'pubcomp');
    });
    expect(completed).toEqual([true, false]);
  });

  it('unsubscribe-ignored [MQTT-3.10.4-2]: after UNSUBACK the subscription is gone', async () => {
    const first = await both('unsubscribe-ignored', async (port) => {
      const sub = await watching(port, ['x', 'm']);
      sub.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['x'] });
      await sub.next('unsuback');
      const pub = await TestClient.connect(port);
      pub.send(publish('x'));
      pub.send(publish('m'));
      return (await sub.next('publish')).topic;
    });
    expect(first).toEqual(['m', 'x']);
  });

  it('will-after-disconnect [MQTT-3.14.4-3]: a normal DISCONNECT discards the will', async () => {
    const first = await both('will-after-disconnect', async (port) => {
      const watcher = await watching(port, ['w', 'm']);
      const leaving = await TestClient.connect(port, {
        will: { topic: 'w', payload: Buffer.from('x'), qos: 0, retain: false },
      });
      // The broker decides on the will before it closes the connection.
      await leaving.disconnect();
      const pub = await TestClient.connect(port);
      pub.send(publish('m'));
      return (await watcher.next('publish')).topic;
    });
    expect(first).toEqual(['m', 'w']);
  });

  it('no-keepalive-timeout [MQTT-3.1.2-24]: a client silent beyond 1.5 x keep alive is disconnected', async () => {
    const outcome = await both('no-keepalive-timeout', async (port) => {
      const client = await TestClient.connect(port, { keepAlive: 1 });
      // Only Date is faked: the broker's keep-alive tick (a real timer) then sees a minute of silence.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 60_000);
        // The tick comes every 250 ms; this wait is a timeout, the correct broker closes at its next tick.
        return await client.waitClosed().then(
          () => 'closed',
          () => 'open',
        );
      } finally {
        vi.useRealTimers();
      }
    });
    expect(outcome).toEqual(['closed', 'open']);
  });
});
