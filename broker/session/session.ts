// Session state of one client id: subscriptions, outbound QoS 1/2 in flight and queued, retained
// messages still to send for new subscriptions, inbound QoS 2 packet ids awaiting PUBREL. It outlives
// connections when the session is persistent. Its collections are created on first use: most
// connections never need most of them, and an idle connection should cost little memory.
import type { ClientIdentity } from '../options.js';
import type { Subscription } from '../router/subscription.js';
import { PublisherHolds, type Holder, type Publisher } from './flow-control.js';
import { Queue } from './queue.js';
import type {
  InflightEntry,
  OutboundSink,
  QueuedEntry,
  Replay,
  SessionCounters,
  SessionLimits,
} from './types.js';

export type {
  InflightEntry,
  OutboundPublish,
  OutboundSink,
  QueuedEntry,
  Replay,
  SessionCounters,
  SessionLimits,
} from './types.js';

export class Session implements Holder {
  private subscriptionMap: Map<string, Subscription> | undefined;
  /** Seconds; Infinity for a 3.1.1 persistent session; 0 ends with the connection. */
  expiryInterval = 0;
  /** Epoch ms when the session was last disconnected (undefined while connected). */
  disconnectedAt: number | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  private currentSink: OutboundSink | undefined;
  private inflightMap: Map<number, InflightEntry> | undefined;
  private queue: Queue<QueuedEntry> | undefined;
  private replays: Replay[] | undefined;
  /** Inbound QoS 2 packet ids PUBREC'd and awaiting PUBREL [MQTT-4.3.3-2]. */
  private incomingQos2: Set<number> | undefined;
  private holds: PublisherHolds | undefined;
  private nextPacketId = 1;

  constructor(
    readonly clientId: string,
    /** Who created the session: only the same identity may resume or take it over. */
    readonly owner: ClientIdentity,
    private readonly counters: SessionCounters,
    private readonly limits: SessionLimits,
  ) {}

  /** The session's subscriptions by filter as written (created on first use). */
  get subscriptions(): Map<string, Subscription> {
    return (this.subscriptionMap ??= new Map());
  }

  get connected(): boolean {
    return this.currentSink !== undefined;
  }

  get sink(): OutboundSink | undefined {
    return this.currentSink;
  }

  attach(sink: OutboundSink): void {
    this.currentSink = sink;
  }

  /** The connection went away: an offline session drops over its bound instead of holding publishers. */
  detach(): void {
    this.currentSink = undefined;
    this.releasePublishers();
  }

  /** Messages waiting in the queue (not counting retained messages still to replay). */
  get queuedCount(): number {
    return this.queue?.length ?? 0;
  }

  get inflightCount(): number {
    return this.inflightMap?.size ?? 0;
  }

  /** True while this session holds publishers (its queue is over its bound). */
  get holdingPublishers(): boolean {
    return this.holds !== undefined;
  }

  inflightEntry(packetId: number): InflightEntry | undefined {
    return this.inflightMap?.get(packetId);
  }

  hasIncomingQos2(packetId: number): boolean {
    return this.incomingQos2?.has(packetId) ?? false;
  }

  get incomingQos2Count(): number {
    return this.incomingQos2?.size ?? 0;
  }

  addIncomingQos2(packetId: number): void {
    (this.incomingQos2 ??= new Set()).add(packetId);
  }

  /** Returns false when the id was not awaiting PUBREL. */
  deleteIncomingQos2(packetId: number): boolean {
    return this.incomingQos2?.delete(packetId) ?? false;
  }

  /**
   * Hands one message to this session: send now, queue, or (QoS 0 at the socket bound, offline
   * overflow) drop. `publisher`: the connection that published it, held while this session is over
   * its bound; broker-internal messages (wills, $SYS) have none.
   */
  deliver(entry: QueuedEntry, now: number, publisher?: Publisher): void {
    const sink = this.currentSink;
    const replaying = this.replays !== undefined;
    if (entry.qos === 0) {
      // QoS 0 is not kept for an offline session, and not queued: sent if the socket keeps up,
      // otherwise dropped and counted. Only while retained messages of a new subscription are still
      // going out does it wait behind them (in order), within the queue bound.
      if (sink === undefined) return;
      if (!replaying) {
        if (sink.canWrite()) sink.writePublish({ ...entry, dup: false, packetId: undefined });
        else this.counters.messagesDropped++;
      } else if (this.queuedCount < this.limits.maxQueuedMessages) {
        this.queueOf().push(entry);
      } else {
        this.counters.messagesDropped++;
      }
      return;
    }
    if (sink === undefined) {
      if (this.limits.dropOffline) return;
      // Offline: bounded queue, the newest message that does not fit is dropped and counted.
      if (this.queuedCount >= this.limits.maxQueuedMessages) {
        this.counters.messagesDropped++;
        this.counters.messagesDroppedOffline++;
        return;
      }
      this.queueOf().push(entry);
      return;
    }
    if (!replaying && this.queuedCount === 0 && this.hasQuota(sink) && sink.canWrite()) {
      this.send(entry, sink, now);
      return;
    }
    // Connected: an acknowledged QoS 1/2 message is never dropped here; past the bound the
    // publisher is held instead (flow control), so the queue stays near its bound.
    const queue = this.queueOf();
    queue.push(entry);
    if (publisher !== undefined && queue.length >= this.limits.maxQueuedMessages) this.hold(publisher);
  }

  /** Starts (or restarts, for the same subscription) sending retained messages, paced by the socket. */
  replay(replay: Replay): void {
    const replays = (this.replays ??= []);
    const index = replays.findIndex((r) => r.key === replay.key);
    if (index >= 0) replays.splice(index, 1);
    replays.push(replay);
  }

  /** The subscription was removed: its retained messages not sent yet are not sent [MQTT-3.10.4-2]. */
  cancelReplay(key: string): void {
    if (this.replays === undefined) return;
    this.replays = this.replays.filter((replay) => replay.key !== key);
    if (this.replays.length === 0) this.replays = undefined;
  }

  /** Sends replayed retained messages, then queued messages, while quota and socket allow. */
  drain(now: number): void {
    const sink = this.currentSink;
    if (sink === undefined) return;
    let progressed = false;
    if (this.replays !== undefined) {
      const sent = this.drainReplays(this.replays, sink, now);
      progressed = sent > 0;
      if (this.replays.length > 0) {
        if (progressed) this.holds?.progressed(now);
        return;
      }
      this.replays = undefined;
    }
    const queue = this.queue;
    if (queue !== undefined) {
      while (queue.length > 0 && sink.canWrite()) {
        const next = queue.peek();
        if (next === undefined || (next.qos > 0 && !this.hasQuota(sink))) break;
        queue.shift();
        this.send(next, sink, now);
        progressed = true;
      }
    }
    if (this.holds === undefined) return;
    if (progressed) this.holds.progressed(now);
    if (this.queuedCount <= this.lowWater()) this.releasePublishers();
  }

  /** On session resume: resend every unacknowledged PUBLISH (DUP 1) and PUBREL, in original order [MQTT-4.4.0-1]. */
  resend(): void {
    const sink = this.currentSink;
    if (sink === undefined || this.inflightMap === undefined) return;
    const requeue: QueuedEntry[] = [];
    let sent = 0;
    for (const entry of [...this.inflightMap.values()]) {
      if (entry.state === 'pubrel') {
        sink.writePubrel(entry.packetId);
        sent++;
        continue;
      }
      if (sent >= sink.sendQuota) {
        // The new connection allows fewer messages in flight: the rest wait in the queue, in order.
        this.release(entry.packetId);
        const { message, qos, retain, subscriptionIds, packetId } = entry;
        // It was sent before: it must remember so, to go out again with DUP 1 [MQTT-3.3.1-1].
        requeue.push({ message, qos, retain, subscriptionIds, sentBefore: { packetId } });
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
    if (requeue.length > 0) this.queueOf().unshift(...requeue);
  }

  /** PUBACK, PUBCOMP or failed PUBREC: the packet id is free again. Returns false if it was unknown. */
  release(packetId: number): boolean {
    if (this.inflightMap?.delete(packetId) !== true) return false;
    this.counters.inflight--;
    return true;
  }

  allocatePacketId(): number | undefined {
    if (this.limits.reusePacketIds) return 1;
    // [MQTT-2.2.1-4] [MQTT-2.3.1-4] a non-zero identifier not in use by a message still in flight.
    for (let attempts = 0; attempts < 65535; attempts++) {
      const id = this.nextPacketId;
      this.nextPacketId = id >= 65535 ? 1 : id + 1;
      if (this.inflightMap?.has(id) !== true) return id;
    }
    return undefined;
  }

  /** A held publisher's connection closed: forget it. */
  forgetPublisher(publisher: Publisher): void {
    this.holds?.forget(publisher);
    if (this.holds?.size === 0) this.stopHolding();
  }

  /** Frees everything the session holds (it is ending). */
  clear(): void {
    this.counters.inflight -= this.inflightCount;
    this.inflightMap = undefined;
    this.queue = undefined;
    this.replays = undefined;
    this.incomingQos2 = undefined;
    this.subscriptionMap = undefined;
    this.releasePublishers();
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  private queueOf(): Queue<QueuedEntry> {
    return (this.queue ??= new Queue());
  }

  private hasQuota(sink: OutboundSink): boolean {
    return this.inflightCount < sink.sendQuota;
  }

  /** Publishers are released once the queue is a quarter below its bound (no hold/release per message). */
  private lowWater(): number {
    const bound = this.limits.maxQueuedMessages;
    return bound - Math.max(1, Math.floor(bound / 4));
  }

  private hold(publisher: Publisher): void {
    this.holds ??= new PublisherHolds(this, this.limits.stalledSubscriberTimeoutMs, () => this.stall());
    this.holds.add(publisher);
  }

  private stall(): void {
    const sink = this.currentSink;
    if (sink !== undefined) sink.stalled(); // closing the connection detaches it (releasing the publishers)
    this.releasePublishers();
  }

  private releasePublishers(): void {
    const holds = this.holds;
    if (holds === undefined) return;
    this.holds = undefined;
    holds.releaseAll();
  }

  private stopHolding(): void {
    this.holds?.stop();
    this.holds = undefined;
  }

  /** Sends the next retained messages of new subscriptions; returns how many left. */
  private drainReplays(replays: Replay[], sink: OutboundSink, now: number): number {
    let sent = 0;
    while (replays.length > 0) {
      const replay = replays[0]!;
      while (replay.next < replay.topics.length) {
        if (!sink.canWrite()) return sent;
        const entry = replay.entry(replay.topics[replay.next]!, now);
        if (entry !== undefined && entry.qos > 0 && !this.hasQuota(sink)) return sent;
        replay.next++;
        if (entry === undefined) continue;
        this.send(entry, sink, now);
        sent++;
      }
      replays.shift();
    }
    return sent;
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
    const previousId = entry.sentBefore?.packetId;
    const packetId =
      previousId !== undefined && this.inflightMap?.has(previousId) !== true
        ? previousId // [MQTT-4.4.0-1] a re-delivery keeps its original packet id while it is free
        : this.allocatePacketId();
    if (packetId === undefined) {
      this.queueOf().push(entry);
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
    (this.inflightMap ??= new Map()).set(packetId, inflight);
    this.counters.inflight++;
    // [MQTT-4.3.2-1] [MQTT-4.3.3-1] an unused packet id; DUP 0 on first delivery [MQTT-4.3.2-2],
    // DUP 1 when it was sent before and put back in the queue by a resume [MQTT-3.3.1-1].
    const { message, qos, retain, subscriptionIds } = entry;
    const dup = entry.sentBefore !== undefined && !this.limits.noDupOnResend;
    const written = sink.writePublish({ message, qos, retain, subscriptionIds, dup, packetId });
    if (!written) {
      // [MQTT-3.1.2-25] too large for the client: discarded, behave as if delivery completed.
      this.release(packetId);
    }
  }
}
