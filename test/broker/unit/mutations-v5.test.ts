// Mutations of MQTT 5.0 rules (will delay, subscription options, properties, limits, shared
// subscriptions, topic aliases, enhanced authentication) and of the WebSocket transport: each
// exchange is run against the correct broker and against the mutated one, and the observations
// must differ. Where the correct broker sends nothing, a later packet in the same ordered stream (a
// marker message, a PINGRESP) shows that nothing came, instead of a waiting window.
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { encode } from '../../../wire/index.js';
import type { EnhancedAuthMethod } from '../../../broker/auth/enhanced.js';
import type { MutationName } from '../../../broker/mutations.js';
import { startBroker } from '../../../broker/start.js';
import { TestClient, connectPacket } from './helpers.js';
import { both, publish, stillOpen, subscribed, watching } from './mutant-helpers.js';

/** One-step enhanced authentication: the data 'ok' authenticates, anything else fails. */
const token: EnhancedAuthMethod = {
  name: 'TOKEN',
  start: () => ({
    step: (data) =>
      data?.toString() === 'ok'
        ? { kind: 'success', username: 'u' }
        : { kind: 'failure', reason: 'bad token' },
  }),
};

const withToken = (data: string) => ({
  properties: { authenticationMethod: 'TOKEN', authenticationData: Buffer.from(data) },
});

const publishes = (client: TestClient, topic: string): number =>
  client.packets.filter((p) => p.type === 'publish' && p.topic === topic).length;

describe('mutations change behaviour (5.0)', () => {
  it('ignore-will-delay [MQTT-3.1.3-9]: a client back before the Will Delay Interval cancels the will', async () => {
    const first = await both('ignore-will-delay', async (port) => {
      const watcher = await watching(port, ['w', 'm'], 5);
      const session = { clientId: 'wd', cleanStart: false, properties: { sessionExpiryInterval: 300 } };
      const dying = await TestClient.connect(
        port,
        {
          ...session,
          will: {
            topic: 'w',
            payload: Buffer.from('x'),
            qos: 0,
            retain: false,
            properties: { willDelayInterval: 60 },
          },
        },
        5,
      );
      dying.close();
      await TestClient.connect(port, session, 5);
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('m'));
      return (await watcher.next('publish')).topic;
    });
    expect(first).toEqual(['m', 'w']);
  });

  it('ignore-retain-handling [MQTT-3.3.1-11]: Retain Handling 2 sends no retained message', async () => {
    const first = await both('ignore-retain-handling', async (port) => {
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('r', { retain: true, qos: 1, packetId: 1 }));
      await pub.next('puback');
      const sub = await TestClient.connect(port, {}, 5);
      sub.send({
        type: 'subscribe',
        packetId: 1,
        subscriptions: [
          { topicFilter: 'r', qos: 0, retainHandling: 2 },
          { topicFilter: 'm', qos: 0 },
        ],
      });
      await sub.next('suback');
      pub.send(publish('m'));
      return (await sub.next('publish')).topic;
    });
    expect(first).toEqual(['m', 'r']);
  });

  it('no-subscription-identifiers [MQTT-3.3.4-3]: the Subscription Identifier comes with the message', async () => {
    const ids = await both('no-subscription-identifiers', async (port) => {
      const sub = await TestClient.connect(port, {}, 5);
      sub.send({
        type: 'subscribe',
        packetId: 1,
        subscriptions: [{ topicFilter: 's', qos: 0 }],
        properties: { subscriptionIdentifier: 7 },
      });
      await sub.next('suback');
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('s'));
      return [(await sub.next('publish')).properties?.subscriptionIdentifier ?? []].flat();
    });
    expect(ids).toEqual([[7], []]);
  });

  it('ignore-message-expiry [MQTT-3.3.2-6]: the Message Expiry Interval forwarded is what is left of it', async () => {
    const intervals = await both('ignore-message-expiry', async (port) => {
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(
        publish('e', { retain: true, qos: 1, packetId: 1, properties: { messageExpiryInterval: 10 } }),
      );
      await pub.next('puback');
      // Only Date is faked: the retained message has waited 4 s when the subscriber comes.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 4000);
        const sub = await subscribed(port, 'e', 0, 5);
        return (await sub.next('publish')).properties?.messageExpiryInterval;
      } finally {
        vi.useRealTimers();
      }
    });
    expect(intervals).toEqual([6, 10]);
  });

  it('ignore-receive-maximum [MQTT-3.3.4-7]: no more unacknowledged QoS 1 PUBLISH than Receive Maximum', async () => {
    const inFlight = await both('ignore-receive-maximum', async (port) => {
      const sub = await TestClient.connect(port, { properties: { receiveMaximum: 1 } }, 5);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'q', qos: 1 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('q', { qos: 1, packetId: 1 }));
      pub.send(publish('q', { qos: 1, packetId: 2 }));
      await pub.next('puback');
      await pub.next('puback');
      await stillOpen(sub); // the deliveries of both messages were decided before this PINGRESP
      return publishes(sub, 'q');
    });
    expect(inFlight).toEqual([1, 2]);
  });

  it('ignore-maximum-packet-size [MQTT-3.1.2-24]: a PUBLISH above the client Maximum Packet Size is not sent', async () => {
    const first = await both('ignore-maximum-packet-size', async (port) => {
      const sub = await TestClient.connect(port, { properties: { maximumPacketSize: 64 } }, 5);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'p', qos: 0 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('p', { payload: Buffer.alloc(100, 0x62) }));
      pub.send(publish('p', { payload: Buffer.from('small') }));
      return (await sub.next('publish')).payload.length;
    });
    expect(first).toEqual([5, 100]);
  });

  // The one-copy-per-group rule of section 4.8.2 has no id of its own; 4.8.2-1 is the shared subscription statement.
  it('shared-delivers-to-all [MQTT-4.8.2-1]: one member of a shared group gets the message', async () => {
    const copies = await both('shared-delivers-to-all', async (port) => {
      const members = [await watching(port, ['$share/g/s'], 5), await watching(port, ['$share/g/s'], 5)];
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('s', { qos: 1, packetId: 1 }));
      await pub.next('puback');
      for (const member of members) await stillOpen(member);
      return members.reduce((sum, member) => sum + publishes(member, 's'), 0);
    });
    expect(copies).toEqual([1, 2]);
  });

  it('ignore-topic-alias [MQTT-3.3.2-12]: a PUBLISH with an empty topic and a known alias is routed', async () => {
    const delivered = await both('ignore-topic-alias', async (port) => {
      const sub = await subscribed(port, 'ta');
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('ta', { qos: 1, packetId: 1, properties: { topicAlias: 1 } }));
      pub.send(publish('', { qos: 1, packetId: 2, properties: { topicAlias: 1 } }));
      await pub.next('puback');
      await pub.next('puback');
      await stillOpen(sub);
      return publishes(sub, 'ta');
    });
    expect(delivered).toEqual([2, 1]);
  });

  it('success-without-subscribers [MQTT-3.4.2-1]: PUBACK says 0x10 when no subscription matched', async () => {
    const codes = await both('success-without-subscribers', async (port) => {
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('nobody', { qos: 1, packetId: 1 }));
      return (await pub.next('puback')).reasonCode ?? 0;
    });
    expect(codes).toEqual([0x10, 0x00]);
  });

  it('auth-method-not-echoed [MQTT-4.12.0-5]: the successful CONNACK carries the Authentication Method', async () => {
    const methods = await both(
      'auth-method-not-echoed',
      async (port) => {
        const client = await TestClient.open(port, 5);
        client.send(connectPacket(withToken('ok'), 5));
        return (await client.next('connack')).properties?.authenticationMethod;
      },
      { enhancedAuthentication: [token] },
    );
    expect(methods).toEqual(['TOKEN', undefined]);
  });

  it('reauth-failure-ignored [MQTT-4.12.1-2]: a failed re-authentication closes the connection', async () => {
    const outcome = await both(
      'reauth-failure-ignored',
      async (port) => {
        const client = await TestClient.connect(port, withToken('ok'), 5);
        client.send({ type: 'auth', reasonCode: 0x19, ...withToken('wrong') });
        return stillOpen(client);
      },
      { enhancedAuthentication: [token] },
    );
    expect(outcome).toEqual(['closed', 'open']);
  });
});

/** Over a WebSocket listener: sends a CONNECT in a text frame; 'closed' or 'answered'. */
async function connectInTextFrame(mutations: MutationName[]): Promise<'closed' | 'answered'> {
  const running = await startBroker({
    listeners: [{ type: 'ws', host: '127.0.0.1', port: 0 }],
    sysIntervalMs: 0,
    mutations,
  });
  const socket = new WebSocket(running.addresses[0]!.url!, ['mqtt']);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer and no close within 3000 ms')), 3000);
      const settle = (outcome: 'closed' | 'answered'): void => {
        clearTimeout(timer);
        resolve(outcome);
      };
      socket.once('open', () => {
        const bytes = encode(connectPacket({ clientId: 'text' }, 4), 4);
        // Every byte of this CONNECT is ASCII, so the text frame carries exactly these bytes.
        expect(bytes.every((byte) => byte < 0x80)).toBe(true);
        socket.send(bytes.toString('latin1'));
      });
      socket.once('message', () => settle('answered'));
      socket.once('close', () => settle('closed'));
      socket.once('error', reject);
    });
  } finally {
    socket.terminate();
    await running.close();
  }
}

describe('mutations change behaviour (WebSocket)', () => {
  it('ws-accept-text-frames [MQTT-6.0.0-1]: a text frame closes the connection', async () => {
    const outcome = [await connectInTextFrame([]), await connectInTextFrame(['ws-accept-text-frames'])];
    expect(outcome).toEqual(['closed', 'answered']);
  });
});
