// From a validated load section to one WorkerPlan per worker: client ids, expanded topics, share
// groups, source addresses, and the split of clients over workers.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseCpuList } from '../placement/index.js';
import type { Endpoint } from '../targets/index.js';
import { durationMs } from './duration.js';
import type { ExecutorPlan } from './executors/types.js';
import type { ClientSpec, WorkerPlan } from './protocol.js';
import { inSlice, sliceRange, type ShardSpec } from '../shard/segment.js';
import { endpointFor } from '../targets/index.js';
import { publisherGroup, subscriberGroups, type LoadSection } from './schema.js';
import { expandTemplate, matchReceivers, type Receiver } from './topics.js';
import type { MqttVersion } from '../vocabulary.js';

/**
 * Connections per loopback source address before another one is used. Not the ~28,000 ephemeral
 * ports: binding a source address makes the kernel search that address's free ports on every
 * connect (bind to port 0, synchronous in the generator's event loop), and that search grows with
 * the ports taken. Measured on this host (Linux 6.18): ~0.2 ms a connect up to 8,000 connections
 * on one address, then 1.3-4.8 ms (a connection storm stalls at ~300 connects a second, CONNECTs
 * and PINGREQs of connected clients wait behind it); 16,000 over four addresses stayed at ~0.2 ms.
 */
export const CONNECTIONS_PER_ADDRESS = 4000;
/**
 * Messages (sent + delivered) per second one worker takes at `workers: auto`: one worker handled
 * 20 000 msg/s over 10 QoS 1 pairs (40 000 messages a second) with about half a core.
 */
const MESSAGES_PER_WORKER = 40_000;
/** A shard binds a source address of its own above this many connections (auto). */
const SHARD_BIND_ABOVE = 1000;
/** Connections one worker opens and holds at `workers: auto`. */
const CONNECTIONS_PER_WORKER = 10_000;

export interface RunPlan {
  prefix: string;
  runTag: number;
  workers: WorkerPlan[];
  /** Every publisher, by global index (every shard's). */
  publishers: ClientSpec[];
  /** Every receiver (a subscriber, or a share group once), every shard's. */
  receivers: Receiver[];
  /** The publishers and receivers this process runs (all of them unless sharded). */
  local: { publishers: ClientSpec[]; receivers: Receiver[] };
  inProcess: boolean;
  /** The executor's plan (the workers compute the same one from the section). */
  executorPlan: ExecutorPlan;
}

export interface ShardPlanning {
  shard: ShardSpec;
  /** The same in every shard (from the run id): client ids and the payload tag match across shards. */
  prefix: string;
  runTag: number;
}

/** A target pool: clients spread by their place among ALL clients, so every shard agrees. */
function spreadOverPool(
  endpoint: Endpoint,
  clients: ClientSpec[],
): { endpoints: { host: string; port: number }[]; spread: NonNullable<Endpoint['spread']> } {
  const endpoints = (endpoint.pool ?? [endpoint]).map(({ host, port }) => ({ host, port }));
  const spread = endpoint.spread ?? 'round-robin';
  clients.forEach((spec, ordinal) => {
    spec.endpoint = endpointFor(spread, ordinal, spec.clientId, endpoints.length);
  });
  return { endpoints, spread };
}

export function buildRunPlan(
  section: LoadSection,
  endpoint: Endpoint,
  mqttVersion: MqttVersion,
  executorPlan: ExecutorPlan,
  sharding?: ShardPlanning,
): RunPlan {
  const prefix = sharding?.prefix ?? `lt${randomBytes(4).toString('hex')}`;
  const runTag = sharding?.runTag ?? randomBytes(4).readUInt32BE(0);
  const shard = sharding?.shard;
  const level = (version: MqttVersion | undefined): 4 | 5 => ((version ?? mqttVersion) === '5.0' ? 5 : 4);
  const allPublishers = publisherSpecs(section, prefix, level);
  const allSubscribers = subscriberSpecs(section, prefix, level);
  // A shard runs its slice of each group; the schedule follows the publishers (message n is due on
  // publisher n mod P, wherever that publisher runs).
  const publishers = allPublishers.filter((spec) => inSlice(spec.index, allPublishers.length, shard));
  const subscribers = allSubscribers.filter((spec) => inSlice(spec.index, allSubscribers.length, shard));
  const bare = sliceRange(executorPlan.connections, shard);

  const totalConnections = publishers.length + subscribers.length + (bare.to - bare.from);
  const addresses = sourceAddresses(
    section.sourceAddresses ?? 'auto',
    endpoint.host,
    totalConnections,
    shard?.index,
  );
  [...subscribers, ...publishers].forEach((spec, ordinal) => {
    if (addresses.length > 0) spec.localAddress = addresses[ordinal % addresses.length]!;
  });
  const { endpoints, spread } = spreadOverPool(endpoint, [...allSubscribers, ...allPublishers]);

  const requested = section.workers ?? 'auto';
  const receiverOf = (spec: ClientSpec): Receiver => ({
    key: spec.receiverKey!,
    filter: spec.filter!,
    qos: spec.qos,
  });
  const receivers = allSubscribers.map(receiverOf);
  const workerCount =
    requested === 'auto'
      ? autoWorkers(executorPlan, publishers, receivers, totalConnections, coresOf(section))
      : Math.max(1, requested);
  const inProcess = requested === 0;
  const allPublisherTopics = allPublishers.map((spec) => spec.topic);
  const workers: WorkerPlan[] = [];
  for (let workerIndex = 0; workerIndex < workerCount; workerIndex++) {
    workers.push({
      workerIndex,
      workerCount,
      runTag,
      prefix,
      host: endpoint.host,
      port: endpoint.port,
      endpoints,
      spread,
      ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
      ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
      protocolLevel: level(undefined),
      section,
      publishers: publishers.filter((spec) => spec.index % workerCount === workerIndex),
      subscribers: subscribers.filter((spec) => spec.index % workerCount === workerIndex),
      allPublisherTopics,
      totalPublishers: allPublishers.length,
      connectRate: (section.connectRate ?? 0) / workerCount,
      sourceAddresses: addresses,
      maxInflight: ('maxInflight' in section ? section.maxInflight : undefined) ?? 1000,
      drainTimeoutMs: durationMs(section.drainTimeout, 5000),
      timeoutMs: 15_000,
      segment: shard ?? { index: 0, count: 1 },
      sharded: shard !== undefined && shard.count > 1,
    });
  }
  return {
    prefix,
    runTag,
    workers,
    publishers: allPublishers,
    receivers,
    local: { publishers, receivers: subscribers.map(receiverOf) },
    inProcess,
    executorPlan,
  };
}

type LevelOf = (version: MqttVersion | undefined) => 4 | 5;

function publisherSpecs(section: LoadSection, prefix: string, level: LevelOf): ClientSpec[] {
  const group = publisherGroup(section);
  if (group === undefined) return [];
  return Array.from({ length: group.count }, (_, index) => {
    const clientId = `${prefix}p${index}`;
    return {
      index,
      clientId,
      topic: expandTemplate(group.topic, prefix, index, clientId),
      qos: group.qos ?? 0,
      retain: group.retain ?? false,
      cleanStart: group.cleanStart ?? true,
      ...(group.sessionExpiry === undefined ? {} : { sessionExpiry: group.sessionExpiry }),
      keepAlive: group.keepAlive ?? 0,
      protocolLevel: level(group.mqtt),
    };
  });
}

function subscriberSpecs(section: LoadSection, prefix: string, level: LevelOf): ClientSpec[] {
  const subscribers: ClientSpec[] = [];
  for (const [groupIndex, group] of subscriberGroups(section).entries()) {
    for (let index = 0; index < group.count; index++) {
      const clientId = `${prefix}s${groupIndex}_${index}`;
      const filter = expandTemplate(group.topic, prefix, index, clientId);
      const topic = group.share === undefined ? filter : `$share/${group.share}/${filter}`;
      subscribers.push({
        index: subscribers.length,
        clientId,
        topic,
        filter,
        receiverKey: group.share === undefined ? clientId : topic,
        qos: group.qos ?? 0,
        retain: false,
        cleanStart: group.cleanStart ?? true,
        ...(group.sessionExpiry === undefined ? {} : { sessionExpiry: group.sessionExpiry }),
        keepAlive: group.keepAlive ?? 0,
        protocolLevel: level(group.mqtt),
      });
    }
  }
  return subscribers;
}

/** The cores a load's workers may run on: its `cpus`, else every core. */
function coresOf(section: LoadSection): number {
  return section.cpus === undefined ? availableParallelism() : parseCpuList(section.cpus).length;
}

/**
 * `workers: auto`: as many worker threads as the load needs, at most one per core. Every thread
 * beyond that need competes for CPU with the others and, on a small machine, with the broker under
 * test: at 20 000 msg/s over 10 pairs on 2 cores (docs/load.md, Scale), one worker measured p50
 * 121–175 µs where two measured 264–584 µs, and dropped fewer QoS 1 sends, at the same CPU.
 * Closed models (no planned rate) take one per core: they look for the maximum rate. With `cpus`,
 * the cores are the listed ones.
 */
export function autoWorkers(
  executorPlan: ExecutorPlan,
  publishers: readonly ClientSpec[],
  receivers: readonly Receiver[],
  connections: number,
  cores = availableParallelism(),
): number {
  if (executorPlan.peakRate === undefined && executorPlan.connections === 0) return cores;
  const unique = [...new Map(receivers.map((receiver) => [receiver.key, receiver])).values()];
  const deliveries = matchReceivers(
    publishers.map((spec) => spec.topic),
    unique,
  ).reduce((sum, list) => sum + list.length, 0);
  const fanOut = publishers.length > 0 ? deliveries / publishers.length : 0;
  const messagesPerSecond = (executorPlan.peakRate ?? 0) * (1 + fanOut);
  const needed = Math.max(
    Math.ceil(messagesPerSecond / MESSAGES_PER_WORKER),
    Math.ceil(connections / CONNECTIONS_PER_WORKER),
  );
  return Math.max(1, Math.min(cores, needed));
}

/**
 * Loopback source addresses to spread connections over (empty: let the OS choose). Shard I of a
 * sharded run takes its own addresses (from 127.0.0.(1 + I·count)): a bound source address has its
 * own ~28,000 ephemeral ports whatever the destination, so shards on one host must not share them.
 */
export function sourceAddresses(
  setting: 'auto' | number,
  host: string,
  connections: number,
  shardIndex?: number,
): string[] {
  const loopback = /^127\./.test(host) || host === 'localhost';
  if (!loopback) return [];
  // A shard with more than a few connections binds its own address even when one would do: shards
  // on one host then never compete for the same ports.
  const least = connections > SHARD_BIND_ABOVE ? 1 : 0;
  const count =
    setting === 'auto'
      ? connections > CONNECTIONS_PER_ADDRESS
        ? Math.ceil(connections / CONNECTIONS_PER_ADDRESS)
        : shardIndex === undefined
          ? 0
          : least
      : setting;
  const length = Math.min(count, 254);
  return Array.from({ length }, (_, index) => `127.0.0.${(((shardIndex ?? 0) * length + index) % 254) + 1}`);
}

/** Connection `number` of a connection storm: a bare client (no topic), on its share of the addresses. */
export function bareClientSpec(
  plan: Pick<WorkerPlan, 'prefix' | 'protocolLevel' | 'sourceAddresses' | 'endpoints' | 'spread'>,
  number: number,
  keepAlive: number,
): ClientSpec {
  const addresses = plan.sourceAddresses;
  const clientId = `${plan.prefix}c${number}`;
  return {
    index: number,
    clientId,
    endpoint: endpointFor(plan.spread, number, clientId, plan.endpoints.length),
    topic: '',
    qos: 0,
    retain: false,
    cleanStart: true,
    keepAlive,
    protocolLevel: plan.protocolLevel,
    ...(addresses.length > 0 ? { localAddress: addresses[number % addresses.length]! } : {}),
  };
}
