// Helpers of the mutation tests: one exchange is run against the correct broker and against one
// with a mutation switched on (broker/mutations.ts), and the two observations are compared.
import type { PublishPacket } from '../../../wire/types.js';
import type { BrokerOptions } from '../../../broker/options.js';
import type { MutationName } from '../../../broker/mutations.js';
import { TestClient, startTestBroker } from './helpers.js';

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

async function withBroker<T>(
  mutations: MutationName[],
  run: (port: number) => Promise<T>,
  options: BrokerOptions,
): Promise<T> {
  const target = await startTestBroker({ ...options, mutations });
  try {
    return await run(target.port);
  } finally {
    await target.stop();
  }
}

/** Runs the exchange on a fresh broker without, then on one with the mutation: [correct, mutated]. */
export async function both<T>(
  mutation: MutationName,
  run: (port: number) => Promise<T>,
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
