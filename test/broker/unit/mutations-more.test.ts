// More mutations, table-driven: the same scenario on a correct broker and on a mutated one must
// give the two expected, different observations.
import { describe, expect, it } from 'vitest';
import type { MutationName } from '../../../broker/mutations.js';
import { TestClient, connectPacket, waitUntil, type TestBroker } from './helpers.js';
import { both, publish, settled, subscribed } from './mutant-helpers.js';

type Scenario = (port: number, broker: TestBroker['broker']) => Promise<unknown>;

const cases: [MutationName, Scenario, unknown, unknown][] = [
  [
    'ignore-retain-flag',
    async (port) => {
      const pub = await TestClient.connect(port);
      pub.send(publish('r', { retain: true, qos: 1, packetId: 1 }));
      await pub.next('puback');
      const sub = await subscribed(port, 'r');
      await settled(sub); // a retained message goes out with the SUBACK, before the PINGRESP (was: 400 ms)
      return sub.packets.some((p) => p.type === 'publish') ? 'retained' : 'none';
    },
    'retained',
    'none',
  ],
  [
    'retain-flag-cleared-on-delivery',
    async (port) => {
      const pub = await TestClient.connect(port);
      pub.send(publish('r', { retain: true, qos: 1, packetId: 1 }));
      await pub.next('puback');
      const sub = await subscribed(port, 'r');
      return (await sub.next('publish')).retain;
    },
    true,
    false,
  ],
  [
    'deliver-at-publisher-qos',
    async (port) => {
      const sub = await subscribed(port, 'q', 0);
      const pub = await TestClient.connect(port);
      pub.send(publish('q', { qos: 1, packetId: 1 }));
      return (await sub.next('publish')).qos;
    },
    0,
    1,
  ],
  [
    'overlap-lowest-qos',
    async (port) => {
      const sub = await TestClient.connect(port);
      sub.send({
        type: 'subscribe',
        packetId: 1,
        subscriptions: [
          { topicFilter: 'o/#', qos: 0 },
          { topicFilter: 'o/x', qos: 1 },
        ],
      });
      await sub.next('suback');
      const pub = await TestClient.connect(port);
      pub.send(publish('o/x', { qos: 1, packetId: 1 }));
      return (await sub.next('publish')).qos;
    },
    1,
    0,
  ],
  [
    'wrong-suback-packet-id',
    async (port) => {
      const sub = await TestClient.connect(port);
      sub.send({ type: 'subscribe', packetId: 10, subscriptions: [{ topicFilter: 'x', qos: 0 }] });
      return (await sub.next('suback')).packetId;
    },
    10,
    11,
  ],
  [
    'session-present-always-false',
    async (port) => {
      const first = await TestClient.connect(port, { clientId: 'sp', cleanStart: false });
      await first.disconnect();
      const again = await TestClient.open(port, 4);
      again.send(connectPacket({ clientId: 'sp', cleanStart: false }, 4));
      return (await again.next('connack')).sessionPresent;
    },
    true,
    false,
  ],
  [
    'no-assigned-client-id',
    async (port) => {
      const client = await TestClient.open(port, 5);
      client.send(connectPacket({ clientId: '' }, 5));
      return typeof (await client.next('connack')).properties?.assignedClientIdentifier;
    },
    'string',
    'undefined',
  ],
  [
    'no-will',
    async (port, broker) => {
      const watcher = await subscribed(port, 'w');
      const dying = await TestClient.connect(port, {
        will: { topic: 'w', payload: Buffer.from('x'), qos: 0, retain: false },
      });
      dying.close();
      // The broker publishes a will (no delay) as it takes the client off: once it has, the will is on
      // the watcher's socket before the watcher's PINGRESP. Bounded waits, no 400 ms guess.
      await waitUntil(() => broker.stats.clientsConnected === 1, 'the broker saw the close');
      await settled(watcher);
      return watcher.packets.some((p) => p.type === 'publish') ? 'will' : 'none';
    },
    'will',
    'none',
  ],
  [
    'drop-user-properties',
    async (port) => {
      const sub = await subscribed(port, 'u', 0, 5);
      const pub = await TestClient.connect(port, {}, 5);
      pub.send(publish('u', { properties: { userProperties: [['k', 'v']] } }));
      return (await sub.next('publish')).properties?.userProperties?.length ?? 0;
    },
    1,
    0,
  ],
  [
    'ignore-no-local',
    async (port) => {
      const client = await TestClient.connect(port, {}, 5);
      client.send({
        type: 'subscribe',
        packetId: 1,
        subscriptions: [{ topicFilter: 'nl', qos: 0, noLocal: true }],
      });
      await client.next('suback');
      client.send(publish('nl'));
      client.send({ type: 'pingreq' });
      await client.next('pingresp');
      await new Promise((r) => setTimeout(r, 100));
      return client.packets.filter((p) => p.type === 'publish').length;
    },
    0,
    1,
  ],
  [
    'no-unsuback',
    async (port) => {
      const client = await TestClient.connect(port);
      client.send({ type: 'unsubscribe', packetId: 3, topicFilters: ['x'] });
      client.send({ type: 'pingreq' });
      await client.next('pingresp');
      await new Promise((r) => setTimeout(r, 100));
      return client.packets.some((p) => p.type === 'unsuback');
    },
    true,
    false,
  ],
];

describe('mutations change behaviour (table)', () => {
  it.each(cases)('%s', async (mutation, scenario, correct, mutated) => {
    expect(await both(mutation, scenario)).toEqual([correct, mutated]);
  });
});
