// Helpers of the mutation tests: one exchange is run against the correct broker and against one
// with a mutation switched on (broker/mutations.ts), and the two observations are compared.
import type { PublishPacket } from '../../../wire/types.js';
import type { BrokerOptions } from '../../../broker/options.js';
import type { MutationName } from '../../../broker/mutations.js';
import { TestClient, startTestBroker, type TestBroker } from './helpers.js';

export function publish(topic: string, fields: Partial<PublishPacket> = {}): PublishPacket {
  return { type: 'publish', topic, payload: Buffer.from('m'), qos: 0, retain: false, dup: false, ...fields };
}

/** A client connected and subscribed to one filter. */
export async function subscribed(
  port: number,
  filter: string,
  qos: 0 | 1 | 2 = 0,
  version: 4 | 5 = 4,
): Promise<TestClient> {
  const client = await TestClient.connect(port, {}, version);
  client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: filter, qos }] });
  await client.next('suback');
  return client;
}

/** A client connected and subscribed to each of the filters at QoS 0. */
export async function watching(port: number, filters: string[], version: 4 | 5 = 4): Promise<TestClient> {
  const client = await TestClient.connect(port, {}, version);
  client.send({
    type: 'subscribe',
    packetId: 1,
    subscriptions: filters.map((topicFilter) => ({ topicFilter, qos: 0 as const })),
  });
  await client.next('suback');
  return client;
}

/** An exchange: the broker's port, and the broker itself for state no packet announces. */
type Exchange<T> = (port: number, broker: TestBroker['broker']) => Promise<T>;

async function withBroker<T>(
  mutations: MutationName[],
  run: Exchange<T>,
  options: BrokerOptions,
): Promise<T> {
  const target = await startTestBroker({ ...options, mutations });
  try {
    return await run(target.port, target.broker);
  } finally {
    await target.stop();
  }
}

/** Runs the exchange on a fresh broker without, then on one with the mutation: [correct, mutated]. */
export async function both<T>(
  mutation: MutationName,
  run: Exchange<T>,
  options: BrokerOptions = {},
): Promise<[T, T]> {
  return [await withBroker([], run, options), await withBroker([mutation], run, options)];
}

/**
 * Whether the connection is still open: a PINGREQ is answered (packets are answered in order, so
 * everything the broker sent for earlier packets has arrived too) or the connection closes.
 */
export async function stillOpen(client: TestClient): Promise<'open' | 'closed'> {
  client.send({ type: 'pingreq' });
  return (await client.nextOrClosed('pingresp')) === 'closed' ? 'closed' : 'open';
}

/**
 * Waits until the broker has answered everything this client sent so far: a PINGREQ is answered in
 * order, so what the broker wrote to this client before reading it has arrived too. Replaces "sleep
 * 100-500 ms, then look", which a busy machine made too short. Also ends on a decode error or a close
 * (nothing more can be read then); the PINGRESP itself is taken out of `packets`.
 */
export async function settled(client: TestClient): Promise<void> {
  client.send({ type: 'pingreq' });
  const answered = () => client.packets.findIndex((p) => p.type === 'pingresp');
  await client.until(
    () => answered() >= 0 || client.decodeError !== undefined || client.closed,
    10_000,
    'no PINGRESP, decode error or close',
  );
  const index = answered();
  if (index >= 0) client.packets.splice(index, 1);
}
