// $SYS topics: the broker's counters, published as retained QoS 0 messages at a fixed interval so a
// client subscribing to $SYS/# gets the latest values at once. Names follow the common Mosquitto layout.
import type { Broker } from './broker.js';
import type { BrokerStats } from './stats.js';

export const SYS_PREFIX = '$SYS/broker/';
/** Default publishing interval: 10 s (Mosquitto's default is 10 s too). 0 turns $SYS off. */
export const DEFAULT_SYS_INTERVAL_MS = 10_000;

type Stats = BrokerStats;

/** Topic suffix → value taken from the stats. One place lists every $SYS topic we publish. */
export const SYS_TOPICS: ReadonlyArray<
  readonly [topic: string, value: (stats: Stats, now: number) => string]
> = [
  ['clients/connected', (s) => String(s.clientsConnected)],
  ['clients/total', (s) => String(s.clientsTotal)],
  ['messages/received', (s) => String(s.messagesReceived)],
  ['messages/sent', (s) => String(s.messagesSent)],
  ['messages/dropped', (s) => String(s.messagesDropped)],
  ['messages/dropped/offline', (s) => String(s.messagesDroppedOffline)],
  ['clients/held', (s) => String(s.publishersHeld)],
  ['clients/slow-disconnected', (s) => String(s.slowSubscribersDisconnected)],
  ['messages/inflight', (s) => String(s.inflight)],
  ['bytes/received', (s) => String(s.bytesReceived)],
  ['bytes/sent', (s) => String(s.bytesSent)],
  ['subscriptions/count', (s) => String(s.subscriptions)],
  ['retained messages/count', (s) => String(s.retainedCount)],
  ['uptime', (s, now) => `${Math.floor((now - s.startedAt) / 1000)} seconds`],
];

export interface SysPublisher {
  /** Publishes every topic now (also done at start and on each tick). */
  publishNow(): void;
  stop(): void;
}

export function startSysPublisher(
  broker: Broker,
  options: { intervalMs: number; version: string },
): SysPublisher {
  const publish = (topic: string, value: string): void => {
    broker.publishInternal({ topic: SYS_PREFIX + topic, payload: Buffer.from(value), qos: 0, retain: true });
  };
  const publishNow = (): void => {
    const now = Date.now();
    const stats = broker.stats;
    for (const [topic, value] of SYS_TOPICS) publish(topic, value(stats, now));
  };
  publish('version', options.version);
  publishNow();
  const timer = setInterval(publishNow, options.intervalMs);
  timer.unref();
  return { publishNow, stop: () => clearInterval(timer) };
}
