// Session state of one client id: subscriptions, outbound QoS 1/2 in flight and queued, inbound
// QoS 2 packet ids awaiting PUBREL, the will. It outlives connections when the session is persistent.
import type { QoS } from '../../wire/types.js';
import type { Subscription } from '../router/subscription.js';
import type { Message } from './message.js';
import { Queue } from './queue.js';

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
}

export interface SessionCounters {
  messagesDropped: number;
  inflight: number;
}

export interface SessionLimits {
  maxQueuedMessages: number;
  /** Mutation 'offline-messages-dropped'. */
  dropOffline: boolean;
  /** Mutation 'ignore-message-expiry'. */
  ignoreExpiry: boolean;
  /** Mutation 'no-dup-on-redelivery'. */
  noDupOnResend: boolean;
  /** Mutation 'reuse-inflight-packet-id'. */
  reusePacketIds: boolean;
}

export class Session {
  readonly subscriptions = new Map<string, Subscription>();
  readonly inflight = new Map<number, InflightEntry>();
  readonly queue = new Queue<QueuedEntry>();
  /** Inbound QoS 2 packet ids PUBREC'd and awaiting PUBREL [MQTT-4.3.3-2]. */
  readonly inboundQos2 = new Set<number>();
  /** Seconds; Infinity for a 3.1.1 persistent session; 0 ends with the connection. */
  expiryInterval = 0;
  sink: OutboundSink | undefined;
  /** Epoch ms when the session was last disconnected (undefined while connected). */
  disconnectedAt: number | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  private nextPacketId = 1;

  constructor(
    readonly clientId: string,
    private readonly counters: SessionCounters,
    private readonly limits: SessionLimits,
  ) {}

  get connected(): boolean {
    return this.sink !== undefined;
  }

  /** Hands one message to this session: send now, queue, or drop. */
  deliver(entry: QueuedEntry, now: number): void {
    const sink = this.sink;
    if (entry.qos === 0) {
      // QoS 0 is never queued: sent if the socket keeps up, otherwise dropped and counted.
      if (sink === undefined) return;
      if (!sink.canWrite()) {
        this.counters.messagesDropped++;
        return;
      }
      sink.writePublish({ ...entry, dup: false, packetId: undefined });
      return;
    }
    if (sink === undefined && this.limits.dropOffline) return;
    if (sink !== undefined && this.queue.length === 0 && this.hasQuota(sink) && sink.canWrite()) {
      this.send(entry, sink, now);
      return;
    }
    this.enqueue(entry);
  }

  private enqueue(entry: QueuedEntry): void {
    // Bounded queue: a slow or offline subscriber cannot grow memory without bound.
    if (this.queue.length >= this.limits.maxQueuedMessages) {
      this.counters.messagesDropped++;
      return;
    }
    this.queue.push(entry);
  }

  private hasQuota(sink: OutboundSink): boolean {
    return this.inflight.size < sink.sendQuota;
  }

  private send(entry: QueuedEntry, sink: OutboundSink, now: number): void {
    if (
      !this.limits.ignoreExpiry &&
      entry.message.expiresAt !== undefined &&
      entry.message.expiresAt <= now
    ) {
      // [MQTT-3.3.2-5] expired before onward delivery started: drop this copy.
      this.counters.messagesDropped++;
      return;
    }
    if (entry.qos === 0) {
      sink.writePublish({ ...entry, dup: false, packetId: undefined });
      return;
    }
    const packetId = this.allocatePacketId();
    if (packetId === undefined) {
      this.enqueue(entry);
      return;
    }
    const inflight: InflightEntry = {
      packetId,
      message: entry.message,
      qos: entry.qos,
      retain: entry.retain,
      subscriptionIds: entry.subscriptionIds,
      state: 'publish',
    };
    this.inflight.set(packetId, inflight);
    this.counters.inflight++;
    // [MQTT-4.3.2-1] [MQTT-4.3.3-1] a fresh unused packet id; DUP 0 on first delivery [MQTT-4.3.2-2].
    const written = sink.writePublish({ ...entry, dup: false, packetId });
    if (!written) {
      // [MQTT-3.1.2-25] too large for the client: discarded, behave as if delivery completed.
      this.release(packetId);
    }
  }

  /** Sends queued messages while quota and socket allow. */
  drain(now: number): void {
    const sink = this.sink;
    if (sink === undefined) return;
    while (this.queue.length > 0 && this.hasQuota(sink) && sink.canWrite()) {
      const entry = this.queue.shift();
      if (entry === undefined) break;
      this.send(entry, sink, now);
    }
  }

  /** On session resume: resend every unacknowledged PUBLISH (DUP 1) and PUBREL, in original order [MQTT-4.4.0-1]. */
  resend(): void {
    const sink = this.sink;
    if (sink === undefined) return;
    const requeue: QueuedEntry[] = [];
    let sent = 0;
    for (const entry of [...this.inflight.values()]) {
      if (entry.state === 'pubrel') {
        sink.writePubrel(entry.packetId);
        sent++;
        continue;
      }
      if (sent >= sink.sendQuota) {
        // The new connection allows fewer messages in flight: the rest wait in the queue, in order.
        this.release(entry.packetId);
        requeue.push({
          message: entry.message,
          qos: entry.qos,
          retain: entry.retain,
          subscriptionIds: entry.subscriptionIds,
        });
        continue;
      }
      sent++;
      // [MQTT-3.3.1-1] DUP set on redelivery; [MQTT-2.3.1-4] same packet id.
      const written = sink.writePublish({
        message: entry.message,
        qos: entry.qos,
        retain: entry.retain,
        subscriptionIds: entry.subscriptionIds,
        dup: !this.limits.noDupOnResend,
        packetId: entry.packetId,
      });
      if (!written) this.release(entry.packetId);
    }
    this.queue.unshift(...requeue);
  }

  /** PUBACK, PUBCOMP or failed PUBREC: the packet id is free again. Returns false if it was unknown. */
  release(packetId: number): boolean {
    if (!this.inflight.delete(packetId)) return false;
    this.counters.inflight--;
    return true;
  }

  allocatePacketId(): number | undefined {
    if (this.limits.reusePacketIds) return 1;
    // [MQTT-2.2.1-4] [MQTT-2.3.1-4] a non-zero identifier not in use by a message still in flight.
    for (let attempts = 0; attempts < 65535; attempts++) {
      const id = this.nextPacketId;
      this.nextPacketId = id >= 65535 ? 1 : id + 1;
      if (!this.inflight.has(id)) return id;
    }
    return undefined;
  }

  /** Frees everything the session holds (it is ending). */
  clear(): void {
    this.counters.inflight -= this.inflight.size;
    this.inflight.clear();
    this.queue.clear();
    this.inboundQos2.clear();
    this.subscriptions.clear();
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }
}
