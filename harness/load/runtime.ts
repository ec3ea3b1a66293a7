// A worker's share of a load run: its clients, its part of the schedule, its measurements. Runs in
// a worker thread (worker.ts) or in the calling thread (workers: 0); talks to the engine only
// through WorkerMessage / EngineMessage.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encode } from '../../wire/index.js';
import { LoadClient, type LoadClientOwner } from './client.js';
import { nowMs } from './clock.js';
import { DeliveryTracker } from './delivery.js';
import { getExecutor } from './executors/registry.js';
import type { ExecutorContext, PublisherHandle } from './executors/types.js';
import { PublishEncoder } from './fast-publish.js';
import { createHistogram, encodeHistogram, Recorder, recordUs } from './histogram.js';
import { readHeaderAt, sizeSampler, type PayloadHeader } from './payload.js';
import type { ClientSpec, EngineMessage, WorkerMessage, WorkerPlan, WorkerReport } from './protocol.js';
import { matchReceivers } from './topics.js';

/** QoS 0: user-space bytes queued on one socket before a send is dropped instead of queued. */
const QOS0_DROP_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_MESSAGES = 20;

export class WorkerRuntime implements LoadClientOwner {
  private readonly abort = new AbortController();
  private readonly publishers: PublisherHandle[] = [];
  private readonly subscribers: LoadClient[] = [];
  private readonly trackersBySubscriber: DeliveryTracker[] = [];
  private readonly trackers = new Map<string, DeliveryTracker>();
  private readonly extraClients = new Set<LoadClient>();
  private readonly corked: LoadClient[] = [];
  private readonly latency = new Recorder();
  private readonly ack = new Recorder();
  private readonly connect = createHistogram();
  private readonly lateness = new Recorder();
  private readonly interval = new Recorder();
  private readonly header: PayloadHeader = { runTag: 0, publisher: 0, seq: 0, intendedMs: 0 };
  private readonly size: () => number;
  private completed: ((publisher: PublisherHandle) => void) | undefined;
  private counts = { intended: 0, sent: 0, dropped: 0, received: 0, foreign: 0, errors: 0 };
  private readonly intervalCounts = { sent: 0, received: 0, errors: 0 };
  private intervalIndex = 0;
  private intervalTimer: NodeJS.Timeout | undefined;
  private readonly errorMessages: string[] = [];
  private connections = { attempted: 0, connected: 0, failed: 0, peak: 0, open: 0 };
  private lastReceiveMs = 0;
  private firstSendMs = 0;
  private lastSendMs = 0;
  private maxLatenessMs = 0;
  private startMs = 0;
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });
  private readonly waiters: { resolve(message: EngineMessage): void; type: EngineMessage['type'] }[] = [];
  private readonly inbox: EngineMessage[] = [];
  private readonly sleepers = new Set<() => void>();
  private readonly wakers = new Map<() => void, NodeJS.Timeout>();
  private readonly fireWaker = (callback: () => void): void => {
    this.wakers.delete(callback);
    callback();
  };

  constructor(
    private readonly plan: WorkerPlan,
    private readonly post: (message: WorkerMessage) => void,
  ) {
    this.size = sizeSampler(plan.section.publishers?.size);
  }

  /** Feed a message from the engine. */
  receive(message: EngineMessage): void {
    if (message.type === 'abort') {
      this.abort.abort();
      for (const wake of [...this.sleepers]) wake();
      for (const [callback, timer] of [...this.wakers]) {
        clearTimeout(timer);
        this.wakers.delete(callback);
        setImmediate(callback);
      }
    }
    let delivered = false;
    for (const waiter of [...this.waiters]) {
      if (waiter.type === message.type || message.type === 'abort') {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
        delivered = true;
      }
    }
    if (!delivered) this.inbox.push(message);
  }

  async run(): Promise<void> {
    try {
      const ready = await this.setup();
      this.post({ type: 'ready', ...ready });
      const start = await this.next('start');
      if (start.type !== 'start') return this.finish();
      this.startMs = start.startMs;
      await this.sleepUntil(this.startMs);
      this.lag.enable();
      this.scheduleInterval();
      const executor = getExecutor(this.plan.executorType);
      if (executor === undefined) throw new Error(`LOAD_UNKNOWN_EXECUTOR: ${this.plan.executorType}`);
      await executor.run(this.context());
      await this.waitInflight(nowMs() + this.plan.drainTimeoutMs);
      this.post({ type: 'published', sentByPublisher: this.publishers.map((p) => [p.index, p.seq]) });
      const drain = await this.next('drain');
      if (drain.type === 'drain') await this.drain(drain.sentByPublisher);
      await this.finish();
    } catch (error) {
      this.post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
      this.closeAll(false);
    }
  }

  // ---- setup ----

  private async setup(): Promise<{ connected: number; failed: number; errors: string[] }> {
    for (const spec of this.plan.subscribers) {
      // One tracker per subscriber (ordering is per connection); reports merge by key, so the
      // members of a share group are judged together.
      const tracker = new DeliveryTracker(spec.receiverKey ?? spec.clientId);
      this.trackers.set(spec.clientId, tracker);
      this.trackersBySubscriber.push(tracker);
    }
    const setupStart = nowMs();
    let ordinal = 0;
    const intendedAt = (): number =>
      this.plan.connectRate > 0 ? setupStart + (ordinal++ * 1000) / this.plan.connectRate : setupStart;
    const subscribers = this.plan.subscribers.map((spec, index) =>
      this.openClient(spec, index, intendedAt(), true),
    );
    const subscribed = await Promise.all(subscribers);
    const publishers = this.plan.publishers.map((spec, index) =>
      this.openClient(spec, index, intendedAt(), false),
    );
    const published = await Promise.all(publishers);
    for (const client of subscribed) if (client) this.subscribers.push(client);
    for (const [index, client] of published.entries()) {
      const spec = this.plan.publishers[index]!;
      if (!client) continue;
      client.index = this.publishers.length;
      this.publishers.push({
        index: spec.index,
        client,
        qos: spec.qos,
        seq: 0,
        encoder: new PublishEncoder(spec.topic, spec.qos, spec.retain, spec.protocolLevel),
      });
    }
    return {
      connected: this.connections.connected,
      failed: this.connections.failed,
      errors: [...this.errorMessages],
    };
  }

  private async openClient(
    spec: ClientSpec,
    index: number,
    intendedMs: number,
    subscriber: boolean,
  ): Promise<LoadClient | undefined> {
    await this.sleepUntil(intendedMs);
    if (this.abort.signal.aborted) return undefined;
    const client = this.newClient(spec);
    client.index = index;
    if (!(await this.connectClient(client, intendedMs))) return undefined;
    if (subscriber) {
      try {
        await client.subscribe(spec.topic, spec.qos);
      } catch (error) {
        this.addError(`${spec.clientId}: ${error instanceof Error ? error.message : String(error)}`);
        client.destroy();
        return undefined;
      }
    }
    return client;
  }

  private newClient(spec: ClientSpec): LoadClient {
    const plan = this.plan;
    return new LoadClient(
      {
        host: plan.host,
        port: plan.port,
        ...(spec.localAddress === undefined ? {} : { localAddress: spec.localAddress }),
        clientId: spec.clientId,
        protocolLevel: spec.protocolLevel,
        cleanStart: spec.cleanStart,
        keepAlive: spec.keepAlive,
        ...(spec.sessionExpiry === undefined ? {} : { sessionExpiry: spec.sessionExpiry }),
        ...(plan.username === undefined ? {} : { username: plan.username }),
        ...(plan.password === undefined ? {} : { password: plan.password }),
        inflightSlots: spec.qos > 0 ? plan.maxInflight : 1,
        timeoutMs: plan.timeoutMs,
      },
      this,
    );
  }

  private async connectClient(client: LoadClient, intendedMs: number): Promise<boolean> {
    this.connections.attempted++;
    try {
      const at = await client.connect();
      recordUs(this.connect, (at - intendedMs) * 1000);
      this.connections.connected++;
      this.connections.open++;
      if (this.connections.open > this.connections.peak) this.connections.peak = this.connections.open;
      return true;
    } catch (error) {
      this.connections.failed++;
      this.addError(`${client.options.clientId}: ${error instanceof Error ? error.message : String(error)}`);
      client.destroy();
      return false;
    }
  }

  // ---- the executor's view ----

  private context(): ExecutorContext {
    const plan = this.plan;
    return {
      section: plan.section,
      plan: plan.executorPlan,
      startMs: this.startMs,
      signal: this.abort.signal,
      publishers: this.publishers,
      totalPublishers: plan.totalPublishers,
      share: { index: plan.workerIndex, count: plan.workerCount },
      publish: (publisher, intendedMs) => this.publish(publisher, intendedMs),
      addIntended: (count) => {
        this.counts.intended += count;
      },
      onCompleted: (handler) => {
        this.completed = handler;
      },
      flush: () => this.flush(),
      openConnection: (number, intendedMs) => this.openStormConnection(number, intendedMs),
      sleepUntil: (atMs) => this.sleepUntil(atMs),
      wakeAt: (atMs, callback) => this.wakeAt(atMs, callback),
    };
  }

  private publish(publisher: PublisherHandle, intendedMs: number): boolean {
    const client = publisher.client;
    const now = nowMs();
    let packetId = 0;
    if (!client.connected) {
      this.counts.dropped++;
      return false;
    }
    if (publisher.qos > 0) {
      if (!client.canSend(this.plan.maxInflight)) {
        this.counts.dropped++;
        return false;
      }
      packetId = client.takePacketId(now);
    } else if (client.pendingBytes > QOS0_DROP_BYTES) {
      this.counts.dropped++;
      return false;
    }
    client.writePublish(
      publisher.encoder,
      packetId,
      this.size(),
      this.plan.runTag,
      publisher.index,
      publisher.seq++,
      intendedMs,
    );
    this.counts.sent++;
    this.intervalCounts.sent++;
    const lateMs = now - intendedMs;
    if (lateMs > this.maxLatenessMs) this.maxLatenessMs = lateMs;
    this.lateness.record(lateMs * 1000);
    if (this.firstSendMs === 0) this.firstSendMs = now;
    this.lastSendMs = now;
    return true;
  }

  private flush(): void {
    for (const client of this.corked) client.uncork();
    this.corked.length = 0;
  }

  private async openStormConnection(number: number, intendedMs: number): Promise<LoadClient | undefined> {
    const addresses = this.plan.sourceAddresses;
    const spec: ClientSpec = {
      index: number,
      clientId: `${this.plan.prefix}c${number}`,
      topic: '',
      qos: 0,
      retain: false,
      cleanStart: true,
      keepAlive: this.plan.section.publishers?.keepAlive ?? 0,
      protocolLevel: this.plan.protocolLevel,
      ...(addresses.length > 0 ? { localAddress: addresses[number % addresses.length]! } : {}),
    };
    const client = this.newClient(spec);
    this.counts.sent++;
    this.intervalCounts.sent++;
    if (this.firstSendMs === 0) this.firstSendMs = nowMs();
    this.lastSendMs = nowMs();
    if (!(await this.connectClient(client, intendedMs))) return undefined;
    this.counts.received++;
    this.intervalCounts.received++;
    this.latency.record((nowMs() - intendedMs) * 1000);
    this.interval.record((nowMs() - intendedMs) * 1000);
    this.extraClients.add(client);
    client.socket?.once('close', () => {
      this.extraClients.delete(client);
      this.connections.open--;
    });
    return client;
  }

  // ---- LoadClientOwner ----

  onPublishReceived(client: LoadClient, buffer: Buffer, start: number, end: number, atMs: number): void {
    const header = this.header;
    if (!readHeaderAt(buffer, start, end, this.plan.runTag, header)) {
      this.counts.foreign++;
      return;
    }
    const us = (atMs - header.intendedMs) * 1000;
    this.latency.record(us);
    this.interval.record(us);
    this.counts.received++;
    this.intervalCounts.received++;
    this.lastReceiveMs = atMs;
    this.trackersBySubscriber[client.index]?.record(header.publisher, header.seq);
  }

  onPublishCompleted(client: LoadClient, sentAtMs: number, atMs: number): void {
    this.ack.record((atMs - sentAtMs) * 1000);
    const publisher = this.publishers[client.index];
    if (publisher !== undefined && this.completed !== undefined) this.completed(publisher);
  }

  onClientError(_client: LoadClient, message: string): void {
    this.counts.errors++;
    this.intervalCounts.errors++;
    this.addError(message);
  }

  onCorked(client: LoadClient): void {
    this.corked.push(client);
  }

  private addError(message: string): void {
    if (this.errorMessages.length < MAX_ERROR_MESSAGES) this.errorMessages.push(message);
  }

  // ---- intervals, drain, report ----

  private scheduleInterval(): void {
    const at = this.startMs + (this.intervalIndex + 1) * 1000;
    this.intervalTimer = setTimeout(
      () => {
        this.flushInterval();
        this.scheduleInterval();
      },
      Math.max(0, at - nowMs()),
    );
    this.intervalTimer.unref();
  }

  private flushInterval(final = false): void {
    this.post({
      type: 'interval',
      index: this.intervalIndex,
      endMs: nowMs() - this.startMs,
      final,
      ...this.intervalCounts,
      histogram: encodeHistogram(this.interval.histogram).encoded,
    });
    this.intervalIndex++;
    // Reset in place: replacing the objects would invalidate optimized hot-path code once a second.
    this.intervalCounts.sent = 0;
    this.intervalCounts.received = 0;
    this.intervalCounts.errors = 0;
    this.interval.reset();
  }

  private async waitInflight(deadlineMs: number): Promise<void> {
    while (
      nowMs() < deadlineMs &&
      !this.abort.signal.aborted &&
      this.publishers.some((p) => p.client.connected && p.client.inflight > 0)
    ) {
      await this.sleepUntil(nowMs() + 10);
    }
  }

  /** Wait for the deliveries still on their way: until every local receiver has all it expects, or a quiet spell. */
  private async drain(sentByPublisher: number[]): Promise<void> {
    const receivers = this.plan.subscribers
      .filter((spec) => spec.receiverKey !== undefined && !spec.receiverKey.startsWith('$share'))
      .map((spec) => ({ key: spec.receiverKey!, filter: spec.filter ?? spec.topic, qos: spec.qos }));
    const matches = matchReceivers(this.plan.allPublisherTopics, receivers);
    const expected = new Map<string, number>();
    matches.forEach((list, publisher) => {
      for (const receiver of list)
        expected.set(receiver.key, (expected.get(receiver.key) ?? 0) + (sentByPublisher[publisher] ?? 0));
    });
    const hasShared = this.plan.subscribers.some((spec) => spec.receiverKey?.startsWith('$share'));
    const deadline = nowMs() + this.plan.drainTimeoutMs;
    const quietMs = Math.min(1000, this.plan.drainTimeoutMs);
    const drainStart = nowMs();
    while (nowMs() < deadline && !this.abort.signal.aborted) {
      let complete = !hasShared;
      for (const [key, count] of expected)
        if ((this.trackers.get(key)?.unique ?? 0) < count) complete = false; // non-shared: key = client id
      if (complete) break;
      const quietSince = Math.max(this.lastReceiveMs, drainStart);
      if (nowMs() - quietSince > quietMs) break;
      await this.sleepUntil(nowMs() + 10);
    }
  }

  private async finish(): Promise<void> {
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    if (this.startMs > 0) this.flushInterval(true);
    this.lag.disable();
    // Retained messages we left are cleared (empty retained publish) before disconnecting.
    for (const publisher of this.publishers) {
      const spec = this.plan.publishers.find((candidate) => candidate.index === publisher.index);
      if (spec?.retain && publisher.client.connected) {
        publisher.client.write(
          encode(
            {
              type: 'publish',
              topic: spec.topic,
              payload: Buffer.alloc(0),
              qos: 0,
              retain: true,
              dup: false,
            },
            spec.protocolLevel,
          ),
        );
      }
    }
    this.flush();
    await this.closeAllGracefully();
    const report: WorkerReport = {
      ...this.counts,
      errorMessages: [...this.errorMessages],
      latency: encodeHistogram(this.latency.histogram).encoded,
      ack: encodeHistogram(this.ack.histogram).encoded,
      connect: encodeHistogram(this.connect).encoded,
      lateness: encodeHistogram(this.lateness.histogram).encoded,
      eventLoopLagP99Ms: this.lag.count > 0 ? this.lag.percentile(99) / 1e6 : 0,
      scheduleOverrunMs: Math.max(0, this.maxLatenessMs),
      receivers: [...this.trackers.values()].map((tracker) => tracker.report()),
      sentByPublisher: this.publishers.map((p) => [p.index, p.seq]),
      connections: {
        attempted: this.connections.attempted,
        connected: this.connections.connected,
        failed: this.connections.failed,
        peak: this.connections.peak,
      },
      firstSendMs: this.firstSendMs,
      lastSendMs: this.lastSendMs,
    };
    this.post({ type: 'report', report });
  }

  private async closeAllGracefully(): Promise<void> {
    const all = [...this.publishers.map((p) => p.client), ...this.subscribers, ...this.extraClients];
    await Promise.all(all.map((client) => client.disconnect(true)));
  }

  private closeAll(_graceful: boolean): void {
    for (const client of [...this.publishers.map((p) => p.client), ...this.subscribers, ...this.extraClients])
      client.destroy();
  }

  // ---- timing helpers ----

  private next(type: EngineMessage['type']): Promise<EngineMessage> {
    if (this.abort.signal.aborted) return Promise.resolve({ type: 'abort' });
    const queued = this.inbox.findIndex((message) => message.type === type);
    if (queued >= 0) return Promise.resolve(this.inbox.splice(queued, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  wakeAt(atMs: number, callback: () => void): void {
    const wait = atMs - nowMs();
    if (wait <= 0 || this.abort.signal.aborted) {
      setImmediate(callback);
      return;
    }
    // abort() wakes it through `wakers` (as sleepers).
    this.wakers.set(callback, setTimeout(this.fireWaker, wait, callback));
  }

  sleepUntil(atMs: number): Promise<void> {
    const wait = atMs - nowMs();
    if (wait <= 0 || this.abort.signal.aborted) return Promise.resolve();
    // No abort listener per sleep (EventTarget calls are costly at thousands of ticks per second):
    // abort() wakes every sleeper through this set.
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, wait);
      this.sleepers.add(wake);
    });
  }
}
