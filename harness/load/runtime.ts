// A worker's share of a load run: its clients, its part of the schedule, its measurements. Runs in
// a worker thread (worker.ts) or in the calling thread (workers: 0); talks to the engine only
// through WorkerMessage / EngineMessage.
//
// Timeline: the engine's start time opens the warm-up (originMs); the measured schedule starts
// `warmup` later (startMs). Payloads carry their intended time from originMs, so a delivery tells
// by it whether its message was due during the warm-up (measured apart) or the schedule.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { pinCurrentThread } from '../placement/index.js';
import { LoadClient, type LoadClientOwner } from './client.js';
import { LAG_RESOLUTION_MS, nowMs } from './clock.js';
import { DeliveryTracker, expectedHere } from './delivery.js';
import { PathWatch } from './drain-path.js';
import { getExecutor } from './executors/registry.js';
import type { ExecutorContext, PublisherHandle } from './executors/types.js';
import { encodeRetainedClear, PublishEncoder } from './fast-publish.js';
import { Measurements } from './measurements.js';
import { readRunQueueWait, runQueueWaitBetween } from './process-stats.js';
import { readHeaderAt, sizeSampler, type PayloadHeader } from './payload.js';
import { bareClientSpec } from './plan.js';
import { sliceRange } from '../shard/segment.js';
import type { ClientSpec, EngineMessage, WorkerMessage, WorkerPlan, WorkerReport } from './protocol.js';
import { publisherGroup } from './schema.js';
import { Waits } from './waits.js';
import { warmupParts } from './warmup-parts.js';

/** QoS 0: user-space bytes queued on one socket before a send is dropped instead of queued. */
const QOS0_DROP_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_MESSAGES = 20;

type PhaseFields = 'startMs' | 'signal' | 'publishers' | 'totalPublishers' | 'share';
type ContextFunctions = Omit<ExecutorContext, PhaseFields>;

export class WorkerRuntime implements LoadClientOwner {
  private readonly abort = new AbortController();
  private readonly publishers: PublisherHandle[] = [];
  private readonly subscribers: LoadClient[] = [];
  private readonly trackersBySubscriber: DeliveryTracker[] = [];
  private readonly trackers = new Map<string, DeliveryTracker>();
  private readonly extraClients = new Set<LoadClient>();
  private readonly corked: LoadClient[] = [];
  /** The measured schedule's figures, the warm-up's (same code, other instance), where sends count now. */
  private readonly measured = new Measurements();
  private readonly warm = new Measurements();
  private sending = this.measured;
  private readonly header: PayloadHeader = { runTag: 0, publisher: 0, seq: 0, intendedUs: 0, latenessUs: 0 };
  private readonly size: () => number;
  private completed: ((publisher: PublisherHandle) => void) | undefined;
  private intervalTimer: NodeJS.Timeout | undefined;
  private readonly errorMessages: string[] = [];
  private connections = { attempted: 0, connected: 0, failed: 0, peak: 0, open: 0 };
  private readonly byEndpoint: WorkerReport['endpoints'];
  /** The warm-up's (not reported), and where sends count now. */
  private readonly warmEndpoints: WorkerReport['endpoints'];
  private sendingEndpoints: WorkerReport['endpoints'];
  /** Start of the warm-up (= startMs without one), epoch ms. */
  private originMs = 0;
  /** Start of the measured schedule, epoch ms. */
  private startMs = 0;
  private readonly lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly waiters: { resolve(message: EngineMessage): void; type: EngineMessage['type'] }[] = [];
  private readonly inbox: EngineMessage[] = [];
  private readonly path = new PathWatch();
  private readonly waits: Waits;
  /** Run-queue wait over the measured schedule (Linux), for the report. */
  private runQueueWait: WorkerReport['runQueueWaitMs'];
  /** This worker thread's TID and CPUs once pinned (section `cpus`). */
  private placement: WorkerReport['placement'];

  constructor(
    private readonly plan: WorkerPlan,
    private readonly post: (message: WorkerMessage) => void,
  ) {
    const section = plan.section;
    this.size = sizeSampler(publisherGroup(section)?.size);
    this.waits = new Waits(('timer' in section ? section.timer : undefined) ?? 'auto');
    const counts = (): WorkerReport['endpoints'] =>
      plan.endpoints.map(() => ({ attempted: 0, connected: 0, failed: 0, sent: 0, received: 0 }));
    [this.byEndpoint, this.warmEndpoints] = [counts(), counts()];
    this.sendingEndpoints = this.byEndpoint;
  }

  /** Feed a message from the engine. */
  receive(message: EngineMessage): void {
    if (message.type === 'path') return this.path.record(message.busy);
    if (message.type === 'abort') {
      this.abort.abort();
      this.waits.abort();
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
      // First: the timer's helper thread (waits.prepare) and everything after inherit the CPUs.
      this.placement = this.pin();
      this.waits.prepare();
      const ready = await this.setup();
      this.post({ type: 'ready', ...ready });
      const start = await this.next('start');
      if (start.type !== 'start') return this.finish();
      const executor = getExecutor(this.plan.section.executor);
      if (executor === undefined) throw new Error(`LOAD_UNKNOWN_EXECUTOR: ${this.plan.section.executor}`);
      const warmup = executor.warmup(this.plan.section);
      this.originMs = start.startMs;
      this.startMs = start.startMs + (warmup?.durationMs ?? 0);
      await this.waits.sleepUntil(this.originMs);
      if (warmup !== undefined) {
        [this.sending, this.sendingEndpoints] = [this.warm, this.warmEndpoints];
        this.scheduleInterval(this.warm, this.originMs, false, Math.min(1000, warmup.durationMs / 2));
        // Several runs back to back (warmup-parts.ts): what a new run changes is met in the warm-up.
        let at = this.originMs;
        for (const part of warmupParts(executor, this.plan.section, warmup)) {
          await executor.run(this.context(at), part.section);
          at += part.durationMs;
        }
        if (this.intervalTimer) clearTimeout(this.intervalTimer);
      }
      [this.sending, this.sendingEndpoints] = [this.measured, this.byEndpoint];
      // The measured window: the loop's delay and the intervals from here on.
      this.lag.enable();
      this.scheduleInterval(this.measured, this.startMs, true);
      const waitBefore = readRunQueueWait();
      await executor.run(this.context(this.startMs), this.plan.section);
      const waitAfter = readRunQueueWait();
      if (waitBefore !== undefined && waitAfter !== undefined) {
        const { threadMs, processMs } = runQueueWaitBetween(waitBefore, waitAfter);
        this.runQueueWait = { thread: threadMs, process: processMs };
      }
      // A shard keeps to the schedule's length even when its own part ends early (no publishers
      // here): its subscribers still get the other shards' messages until then.
      const executorPlan = executor.plan(this.plan.section);
      if (this.plan.sharded && !executorPlan.openEnded)
        await this.waits.sleepUntil(this.startMs + executorPlan.durationMs);
      await this.waitInflight(nowMs() + this.plan.drainTimeoutMs);
      this.post({ type: 'published', sentByPublisher: this.publishers.map((p) => [p.index, p.seq]) });
      const drain = await this.next('drain');
      if (drain.type === 'drain') await this.drain(drain.sentByPublisher, drain.pathProbed);
      await this.finish();
    } catch (error) {
      this.post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
      this.closeAll();
    } finally {
      this.waits.close();
    }
  }

  // ---- setup ----

  /** Pins this worker thread to the section's `cpus` before its clients connect (placement/taskset.ts). */
  private pin(): WorkerReport['placement'] {
    const cpus = this.plan.section.cpus;
    if (cpus === undefined) return undefined;
    // validate.ts refuses cpus with workers: 0; the main thread is the harness's own and stays unpinned.
    if (isMainThread) throw new Error(`cpus ${cpus}: a load in the main thread (workers: 0) is not pinned`);
    return pinCurrentThread(cpus);
  }

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
    await this.waits.sleepUntil(intendedMs);
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
    const endpoint = plan.endpoints[spec.endpoint ?? 0] ?? plan;
    const client = new LoadClient(
      {
        host: endpoint.host,
        port: endpoint.port,
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
    client.endpoint = spec.endpoint ?? 0;
    return client;
  }

  private async connectClient(client: LoadClient, intendedMs: number): Promise<boolean> {
    this.connections.attempted++;
    const endpoint = this.byEndpoint[client.endpoint];
    if (endpoint) endpoint.attempted++;
    try {
      const at = await client.connect();
      this.measured.recordConnectTime((at - intendedMs) * 1000);
      this.connections.connected++;
      if (endpoint) endpoint.connected++;
      this.connections.open++;
      if (this.connections.open > this.connections.peak) this.connections.peak = this.connections.open;
      return true;
    } catch (error) {
      this.connections.failed++;
      if (endpoint) endpoint.failed++;
      this.addError(`${client.options.clientId}: ${error instanceof Error ? error.message : String(error)}`);
      client.destroy();
      return false;
    }
  }

  // ---- the executor's view ----

  /**
   * The executor's view of one phase (warm-up or measured). Its functions are the same objects in
   * both: a call site that met another function in the measured phase lost its optimized code there.
   */
  private context(startMs: number): ExecutorContext {
    const plan = this.plan;
    return {
      startMs,
      signal: this.abort.signal,
      publishers: this.publishers,
      totalPublishers: plan.totalPublishers,
      share: { index: plan.workerIndex, count: plan.workerCount },
      ...this.functions,
    };
  }

  private readonly functions: ContextFunctions = {
    slice: (total) => sliceRange(total, this.plan.segment),
    publish: (publisher, intendedMs) => this.publish(publisher, intendedMs),
    addIntended: (count) => {
      this.sending.counts.intended += count;
    },
    onCompleted: (handler) => {
      this.completed = handler;
    },
    flush: () => this.flush(),
    openConnection: (number, intendedMs, keepAlive) =>
      this.openStormConnection(number, intendedMs, keepAlive),
    sleepUntil: (atMs) => this.waits.sleepUntil(atMs),
    wakeAt: (atMs, callback) => this.waits.wakeAt(atMs, callback),
  };

  /** One message of the schedule, due at `intendedMs`; false when it was dropped. */
  private publish(publisher: PublisherHandle, intendedMs: number): boolean {
    const client = publisher.client;
    const measured = this.sending;
    const now = nowMs();
    let packetId = 0;
    if (
      !client.connected ||
      (publisher.qos > 0 ? !client.canSend(this.plan.maxInflight) : client.pendingBytes > QOS0_DROP_BYTES)
    ) {
      measured.counts.dropped++;
      return false;
    }
    if (publisher.qos > 0) packetId = client.takePacketId(now);
    const lateMs = now - intendedMs;
    const intendedUs = Math.round((intendedMs - this.originMs) * 1000);
    client.writePublish(
      publisher.encoder,
      packetId,
      this.size(),
      this.plan.runTag,
      publisher.index,
      publisher.seq++,
      intendedUs > 0 ? intendedUs : 0,
      lateMs > 0 ? Math.floor(lateMs * 1000) : 0,
    );
    measured.recordSent(now, lateMs);
    this.sendingEndpoints[client.endpoint]!.sent++;
    return true;
  }

  private flush(): void {
    for (const client of this.corked) client.uncork();
    this.corked.length = 0;
  }

  private async openStormConnection(
    number: number,
    intendedMs: number,
    keepAlive: number,
  ): Promise<LoadClient | undefined> {
    const client = this.newClient(bareClientSpec(this.plan, number, keepAlive));
    this.measured.recordAttempt();
    if (!(await this.connectClient(client, intendedMs))) return undefined;
    this.measured.recordConnected((nowMs() - intendedMs) * 1000);
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
      this.measured.counts.foreign++;
      return;
    }
    this.trackersBySubscriber[client.index]?.record(header.publisher, header.seq);
    const intendedMs = this.originMs + header.intendedUs / 1000;
    // Due during the warm-up (wherever and whenever it arrives): the warm-up's figures, same code.
    // Both sides are read on every call, so that the measured side has type feedback from the
    // warm-up (a field first read after V8 optimized this would deoptimize it).
    const warm = intendedMs < this.startMs;
    const { measured, warm: warmup, byEndpoint, warmEndpoints } = this;
    (warm ? warmup : measured).recordDelivery(atMs, intendedMs, header.latenessUs);
    (warm ? warmEndpoints : byEndpoint)[client.endpoint]!.received++;
  }

  onPublishCompleted(client: LoadClient, sentAtMs: number, atMs: number): void {
    // A warm-up message (sent before the measured start) is timed apart; without a warm-up every
    // one counts (a millisecond timer may start a closed loop a little before startMs).
    const inMeasured = this.originMs === this.startMs || sentAtMs >= this.startMs;
    const { measured, warm } = this; // both read on every call: see onPublishReceived
    (inMeasured ? measured : warm).ack.record((atMs - sentAtMs) * 1000);
    const publisher = this.publishers[client.index];
    if (publisher !== undefined && this.completed !== undefined) this.completed(publisher);
  }

  onClientError(_client: LoadClient, message: string): void {
    this.measured.recordError();
    this.addError(message);
  }

  onCorked(client: LoadClient): void {
    this.corked.push(client);
  }

  private addError(message: string): void {
    if (this.errorMessages.length < MAX_ERROR_MESSAGES) this.errorMessages.push(message);
  }

  // ---- intervals, drain, report ----

  /**
   * Close `target`'s interval every `everyMs` from `fromMs`; the warm-up's into nothing (`post`
   * false), so that the measured schedule's first close is not the first time that code runs.
   */
  private scheduleInterval(target: Measurements, fromMs: number, post: boolean, everyMs = 1000): void {
    const at = fromMs + (target.nextIntervalIndex + 1) * everyMs;
    this.intervalTimer = setTimeout(
      () => {
        const message = target.closeInterval(fromMs, false);
        if (post) this.post(message);
        this.scheduleInterval(target, fromMs, post, everyMs);
      },
      Math.max(0, at - nowMs()),
    );
    this.intervalTimer.unref();
  }

  private async waitInflight(deadlineMs: number): Promise<void> {
    while (
      nowMs() < deadlineMs &&
      !this.abort.signal.aborted &&
      this.publishers.some((p) => p.client.connected && p.client.inflight > 0)
    ) {
      await this.waits.sleepUntil(nowMs() + 10);
    }
  }

  /** Wait for deliveries on their way: until all arrived, a quiet spell on an empty path (drain-path.ts), or the timeout. */
  private async drain(sentByPublisher: number[], pathProbed = false): Promise<void> {
    this.path.probed = pathProbed;
    const { expected, hasShared } = expectedHere(this.plan, sentByPublisher);
    const deadline = nowMs() + this.plan.drainTimeoutMs;
    const quietMs = Math.min(1000, this.plan.drainTimeoutMs);
    const drainStart = nowMs();
    while (nowMs() < deadline && !this.abort.signal.aborted) {
      // Sharded: what other shards' publishers sent is not known here, so a quiet spell ends it.
      let complete = !hasShared && !this.plan.sharded;
      for (const [key, count] of expected)
        if ((this.trackers.get(key)?.unique ?? 0) < count) complete = false; // non-shared: key = client id
      if (complete) break;
      const received = Math.max(this.measured.lastReceiveMs, this.warm.lastReceiveMs, drainStart);
      const quietSince = this.path.quietSince(received);
      if (nowMs() - quietSince > quietMs && this.path.mayEnd(quietSince)) break;
      await this.waits.sleepUntil(nowMs() + 10);
    }
  }

  private async finish(): Promise<void> {
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    if (this.startMs > 0) this.post(this.measured.closeInterval(this.startMs, true));
    this.lag.disable();
    // Retained messages we left are cleared (empty retained publish) before disconnecting.
    for (const publisher of this.publishers) {
      const spec = this.plan.publishers.find((candidate) => candidate.index === publisher.index);
      if (spec?.retain && publisher.client.connected)
        publisher.client.write(encodeRetainedClear(spec.topic, spec.protocolLevel));
    }
    this.flush();
    await this.closeAllGracefully();
    const report: WorkerReport = {
      ...this.measured.report(this.warm),
      errorMessages: [...this.errorMessages],
      eventLoopLagP99Ms: this.lag.count > 0 ? this.lag.percentile(99) / 1e6 : 0,
      ...(this.waits.usedKind === undefined ? {} : { timer: this.waits.usedKind }),
      ...(this.runQueueWait === undefined ? {} : { runQueueWaitMs: this.runQueueWait }),
      ...(this.placement === undefined ? {} : { placement: this.placement }),
      receivers: [...this.trackers.values()].map((tracker) => tracker.report()),
      sentByPublisher: this.publishers.map((p) => [p.index, p.seq]),
      endpoints: this.byEndpoint,
      connections: {
        attempted: this.connections.attempted,
        connected: this.connections.connected,
        failed: this.connections.failed,
        peak: this.connections.peak,
      },
    };
    this.post({ type: 'report', report });
  }

  private async closeAllGracefully(): Promise<void> {
    const all = [...this.publishers.map((p) => p.client), ...this.subscribers, ...this.extraClients];
    await Promise.all(all.map((client) => client.disconnect(true)));
  }

  private closeAll(): void {
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
}
