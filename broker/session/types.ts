// The shapes a session works with: what it queues and keeps in flight, the retained messages it
// replays for new subscriptions, what it needs from its connection, and its limits and counters.
import type { QoS } from '../../wire/types.js';
import type { Message } from './message.js';

export interface OutboundPublish {
  message: Message;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  packetId: number | undefined;
  subscriptionIds: number[];
}

export interface InflightEntry {
  packetId: number;
  message: Message;
  qos: 1 | 2;
  retain: boolean;
  subscriptionIds: number[];
  /** 'publish': awaiting PUBACK/PUBREC; 'pubrel': PUBREL sent, awaiting PUBCOMP. */
  state: 'publish' | 'pubrel';
}

export interface QueuedEntry {
  message: Message;
  qos: QoS;
  retain: boolean;
  subscriptionIds: number[];
  /**
   * Set when the message was sent before and put back in the queue unacknowledged (a resumed
   * connection allowed fewer messages in flight): whenever it goes out again it is a re-delivery,
   * with DUP 1 and, when still free, its original packet id [MQTT-3.3.1-1] [MQTT-4.4.0-1].
   */
  sentBefore?: { packetId: number };
}

/**
 * Retained messages to send because of a new subscription, paced by the socket: topic names, looked
 * up when their turn comes (a newer retained message of the topic is sent, a deleted one is not).
 */
export interface Replay {
  /** The subscription's filter: subscribing again restarts its replay instead of adding one. */
  readonly key: string;
  readonly topics: readonly string[];
  next: number;
  /** What to send for `topic` now, or undefined to skip it (gone, expired, not readable). */
  entry(topic: string, now: number): QueuedEntry | undefined;
}

/** What a session needs from the connection currently attached to it. */
export interface OutboundSink {
  /** Maximum QoS 1/2 messages in flight (client receive maximum capped by the broker's maxInflight). */
  readonly sendQuota: number;
  /** False while the socket is backpressured beyond the configured bound. */
  canWrite(): boolean;
  /** Writes a PUBLISH; false when it was discarded (e.g. larger than the client's maximum packet size). */
  writePublish(publish: OutboundPublish): boolean;
  writePubrel(packetId: number): void;
  /** The session held publishers and made no progress for the stall timeout: close the connection. */
  stalled(): void;
}

export interface SessionCounters {
  messagesDropped: number;
  /** QoS 1/2 messages dropped because an offline session's queue was full. */
  messagesDroppedOffline: number;
  inflight: number;
}

export interface SessionLimits {
  maxQueuedMessages: number;
  /** Close a connected session that held publishers this long without progress; 0 = never. */
  stalledSubscriberTimeoutMs: number;
  /** Mutation 'offline-messages-dropped'. */
  dropOffline: boolean;
  /** Mutation 'ignore-message-expiry'. */
  ignoreExpiry: boolean;
  /** Mutation 'no-dup-on-redelivery'. */
  noDupOnResend: boolean;
  /** Mutation 'reuse-inflight-packet-id'. */
  reusePacketIds: boolean;
}
