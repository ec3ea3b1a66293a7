// runLoadScenario: validate, plan, start the workers (threads, or in-process with `workers: 0`),
// synchronize the start, stream progress, drain, and build the LoadResult.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  EndpointFigures,
  LoadProgress,
  LoadResult,
  LoadShard,
  ShardClockEstimate,
} from '../result/index.js';
import { shardBarrier } from '../shard/barrier.js';
import { planHash, runIdentity } from '../shard/identity.js';
import type { ShardSetting } from '../shard/segment.js';
import type { Endpoint, StartedTarget } from '../targets/index.js';
import {
  deliveryVerdicts,
  generatorFigures,
  latencyFigures,
  mergeBuckets,
  mergeIntervals,
  sumConnections,
  sumReports,
} from './aggregate.js';
import { nowMs } from './clock.js';
import { getExecutor } from './executors/registry.js';
import { buildRunPlan, type RunPlan } from './plan.js';
import { countKernel } from './kernel-counters.js';
import { measureOwnCpu, sampleProcess, type OwnCpu } from './process-stats.js';
import type { EngineMessage, IntervalMessage, WorkerMessage, WorkerPlan, WorkerReport } from './protocol.js';
import { WorkerRuntime } from './runtime.js';
import type { LoadSection } from './schema.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';
import { LoadConfigError, validateLoadSection } from './validate.js';
import { judgeLoad } from './verdict.js';
import type { MqttVersion } from '../vocabulary.js';

export interface LoadRunContext {
  endpoint: Endpoint;
  target: StartedTarget;
  profile: string;
  mqttVersion: MqttVersion;
  signal: AbortSignal;
  onProgress?(progress: LoadProgress): void;
  name: string;
  file?: string;
  /** Run this process's shard of the load (`--shard I/N`). */
  shard?: ShardSetting;
}

interface Channel {
  send(message: EngineMessage): void;
  close(): Promise<void>;
}

export async function runLoadScenario(load: LoadSection, context: LoadRunContext): Promise<LoadResult> {
  const errors = validateLoadSection(load);
  if (context.endpoint.transport !== 'tcp')
    errors.push(`transport '${context.endpoint.transport}': the load engine speaks plain TCP only`);
  const executor = getExecutor(load.executor);
  if (executor === undefined) errors.push(`unknown executor '${load.executor}'`);
  if (errors.length > 0 || executor === undefined) throw new LoadConfigError(errors);
  const executorPlan = executor.plan(load);
  const loadHash = planHash({
    name: context.name,
    target: context.target.name,
    profile: context.profile,
    mqttVersion: context.mqttVersion,
    section: load,
  });
  const shard = context.shard;
  const plan = buildRunPlan(
    load,
    context.endpoint,
    context.mqttVersion,
    executorPlan,
    shard === undefined ? undefined : { shard, ...runIdentity(shard.runId, loadHash) },
  );
  const startedAt = new Date();
  const broker = context.target.pid !== undefined ? sampleProcess(context.target.pid) : undefined;
  const kernel = countKernel();

  const state = new RunState(plan.workers.length);
  const channels = plan.workers.map((workerPlan) =>
    openChannel(workerPlan, plan.inProcess, (message) => state.onMessage(workerPlan.workerIndex, message)),
  );
  const broadcast = (message: EngineMessage): void => channels.forEach((channel) => channel.send(message));
  const onAbort = (): void => broadcast({ type: 'abort' });
  context.signal.addEventListener('abort', onAbort, { once: true });
  state.onInterval = (index, parts) => context.onProgress?.(progressOf(context, state, index, parts));
  let reason: string | undefined;
  let startMs: number;
  let clock: ShardClockEstimate | undefined;
  // The generator's CPU from the schedule's start to the last report: what the run itself costs
  // (thread start-up, connecting and subscribing are left out).
  let cpu: { stop(): OwnCpu } | undefined;
  let cpuUsed: OwnCpu | undefined;
  try {
    const clients = plan.publishers.length + plan.receivers.length;
    const setupBudget = 30_000 + (load.connectRate ? (clients * 1000) / load.connectRate : clients * 2);
    if (!(await state.waitFor((w) => w.ready, setupBudget)))
      reason = `setup did not finish within ${Math.round(setupBudget)} ms`;
    if (context.signal.aborted) reason = 'interrupted';
    startMs = nowMs() + 100;
    if (shard !== undefined && reason === undefined) {
      try {
        const agreed = await shardBarrier({
          endpoint: context.endpoint,
          protocolLevel: context.mqttVersion === '5.0' ? 5 : 4,
          runId: shard.runId,
          loadHash,
          shard,
          ...(shard.startAtMs === undefined ? {} : { startAtMs: shard.startAtMs }),
          timeoutMs: shard.barrierTimeoutMs ?? 120_000,
          signal: context.signal,
        });
        clock = agreed.clock;
        // The agreed start is on shard 0's clock: on ours it is `offset` later (clock.ts: each
        // process's clock is its own timeOrigin + monotonic time, tens of ms apart on a busy host).
        startMs = agreed.startMs + (clock.uncertaintyMs >= 0 ? clock.offsetMs : 0);
        if (startMs < nowMs()) reason = `the agreed start (${new Date(startMs).toISOString()}) had passed`;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    cpu = measureOwnCpu();
    broadcast(reason === undefined ? { type: 'start', startMs } : { type: 'abort' });
    const runBudget = executorPlan.durationMs + 2 * plan.workers[0]!.drainTimeoutMs + 30_000;
    if (!(await state.waitFor((w) => w.published !== undefined, runBudget))) {
      reason ??= `the schedule did not finish within ${runBudget} ms`;
      broadcast({ type: 'abort' });
    }
    const sentByPublisher = new Array<number>(plan.publishers.length).fill(0);
    for (const worker of state.workers)
      for (const [publisher, count] of worker.published ?? []) sentByPublisher[publisher] = count;
    broadcast({ type: 'drain', sentByPublisher });
    if (!(await state.waitFor((w) => w.report !== undefined, plan.workers[0]!.drainTimeoutMs + 30_000))) {
      reason ??= 'workers did not report';
      broadcast({ type: 'abort' });
      await state.waitFor((w) => w.report !== undefined, 5000);
    }
    cpuUsed = cpu.stop();
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    await Promise.all(channels.map((channel) => channel.close()));
  }
  if (context.signal.aborted) reason ??= 'interrupted';
  const fatal = state.workers.flatMap((worker) => (worker.fatal === undefined ? [] : [worker.fatal]));
  if (fatal.length > 0) reason ??= `worker failed: ${fatal[0]}`;
  return buildResult({
    load,
    context,
    plan,
    state,
    startedAt,
    startMs,
    reason,
    cpu: cpuUsed ?? cpu?.stop() ?? { percent: 0, userUs: 0, systemUs: 0 },
    broker: broker?.stop(),
    ...(shard === undefined ? {} : { shard: { ...shard, loadHash, clock } }),
    kernel: kernel.stop(),
  });
}

class WorkerState {
  ready = false;
  published: [number, number][] | undefined;
  report: WorkerReport | undefined;
  fatal: string | undefined;
  readyErrors: string[] = [];
}

class RunState {
  readonly workers: WorkerState[];
  readonly intervals: IntervalMessage[] = [];
  private readonly intervalParts = new Map<number, IntervalMessage[]>();
  private listeners: (() => void)[] = [];
  onInterval: ((index: number, parts: IntervalMessage[]) => void) | undefined;
  errorsSoFar = 0;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new WorkerState());
  }

  onMessage(index: number, message: WorkerMessage): void {
    const worker = this.workers[index]!;
    switch (message.type) {
      case 'ready':
        worker.ready = true;
        worker.readyErrors = message.errors;
        break;
      case 'interval': {
        this.intervals.push(message);
        this.errorsSoFar += message.errors;
        const parts = [...(this.intervalParts.get(message.index) ?? []), message];
        this.intervalParts.set(message.index, parts);
        if (parts.length === this.workers.filter((w) => w.fatal === undefined).length)
          this.onInterval?.(message.index, parts);
        break;
      }
      case 'published':
        worker.published = message.sentByPublisher;
        break;
      case 'report':
        worker.report = message.report;
        worker.published ??= message.report.sentByPublisher;
        worker.ready = true;
        break;
      case 'fatal':
        worker.fatal = message.message;
        worker.ready = true;
        worker.published ??= [];
        break;
    }
    for (const listener of this.listeners) listener();
  }

  /** Resolves true once every live worker satisfies the predicate, false on timeout. */
  waitFor(predicate: (worker: WorkerState) => boolean, timeoutMs: number): Promise<boolean> {
    const done = (): boolean =>
      this.workers.every((worker) => worker.fatal !== undefined || predicate(worker));
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const listener = (): void => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((candidate) => candidate !== listener);
        resolve(value);
      };
      this.listeners.push(listener);
    });
  }
}

function openChannel(
  workerPlan: WorkerPlan,
  inProcess: boolean,
  onMessage: (message: WorkerMessage) => void,
): Channel {
  if (inProcess) {
    const runtime = new WorkerRuntime(workerPlan, (message) => setImmediate(() => onMessage(message)));
    const running = runtime.run();
    return {
      send: (message) => runtime.receive(message),
      close: async () => {
        runtime.receive({ type: 'abort' });
        await running;
      },
    };
  }
  const worker = spawnWorker(workerPlan);
  let exited = false;
  let closing = false;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      exited = true;
      if (!closing) onMessage({ type: 'fatal', message: `worker exited (code ${code})` });
      resolve();
    }),
  );
  worker.on('message', (message: WorkerMessage) => {
    if (!closing) onMessage(message);
  });
  worker.on('error', (error) => {
    if (!closing) onMessage({ type: 'fatal', message: error.message });
  });
  return {
    send: (message) => {
      if (!exited) worker.postMessage(message);
    },
    close: async () => {
      closing = true;
      if (!exited) await worker.terminate();
      await exit;
    },
  };
}

/**
 * Compiled builds run dist/harness/load/worker.js. Under tsx or vitest this module is a .ts file:
 * `--import tsx` in a Worker's execArgv does not reach the worker's loader on Node 20, so a small
 * eval bootstrap registers tsx's ESM hooks inside the worker and then imports worker.ts.
 */
function spawnWorker(workerPlan: WorkerPlan): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: workerPlan });
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: workerPlan });
}

function progressOf(
  context: LoadRunContext,
  state: RunState,
  index: number,
  parts: IntervalMessage[],
): LoadProgress {
  const histogram = mergeBuckets(parts);
  return {
    load: context.name,
    target: context.target.name,
    elapsedMs: (index + 1) * 1000,
    sentPerSec: parts.reduce((sum, part) => sum + part.sent, 0),
    receivedPerSec: parts.reduce((sum, part) => sum + part.received, 0),
    p99Us: histogram.getValueAtPercentile(99),
    errors: state.errorsSoFar,
  };
}

interface BuildInput {
  load: LoadSection;
  context: LoadRunContext;
  plan: RunPlan;
  state: RunState;
  startedAt: Date;
  startMs: number;
  reason: string | undefined;
  cpu: OwnCpu;
  broker: ReturnType<ReturnType<typeof sampleProcess>['stop']>;
  shard?: ShardSetting & { loadHash: string; clock: ShardClockEstimate | undefined };
  kernel: LoadResult['kernel'];
}

function buildResult(input: BuildInput): LoadResult {
  const { load, context, plan, state, startMs } = input;
  const reports = state.workers.flatMap((worker) => (worker.report === undefined ? [] : [worker.report]));
  const totals = sumReports(reports);
  const executorPlan = plan.executorPlan;
  const lastSend = reports.reduce((max, report) => Math.max(max, report.lastSendMs), 0);
  const activeMs = Math.max(
    1,
    executorPlan.openEnded && lastSend > 0 ? lastSend - startMs : executorPlan.durationMs,
  );
  const connections = sumConnections(reports);
  const errorMessages = [
    ...state.workers.flatMap((worker) => worker.readyErrors),
    ...reports.flatMap((report) => report.errorMessages),
  ];
  const result: LoadResult = {
    id: `${context.name}|${context.target.name}|${context.mqttVersion}|${context.profile}`,
    name: context.name,
    ...(context.file === undefined ? {} : { file: context.file }),
    target: context.target.name,
    profile: context.profile,
    mqttVersion: context.mqttVersion,
    executor: load.executor,
    config: { ...load, plan: executorPlan },
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(Date.now() - input.startedAt.getTime()),
    ...totals,
    errors: totals.errors + connections.failed,
    rate: {
      sentPerSec: round((totals.sent * 1000) / activeMs),
      receivedPerSec: round((totals.received * 1000) / activeMs),
    },
    ...latencyFigures(reports),
    intervals: mergeIntervals(state.intervals),
    // A shard cannot judge delivery alone (its subscribers hear other shards' publishers):
    // `harness merge` does, from the shard record below.
    delivery: input.shard !== undefined && input.shard.count > 1 ? [] : deliveryVerdicts(plan, reports),
    generator: generatorFigures(reports, {
      cpu: input.cpu,
      workers: plan.inProcess ? 0 : plan.workers.length,
      received: totals.received,
    }),
    ...(input.broker === undefined ? {} : { broker: input.broker }),
    connections,
    ...(plan.workers[0]!.endpoints.length > 1 ? { endpoints: endpointFigures(plan, reports) } : {}),
    ...(errorMessages.length > 0 ? { errorMessages: errorMessages.slice(0, 20) } : {}),
    thresholds: [],
    ...(input.kernel === undefined ? {} : { kernel: input.kernel }),
    verdict: 'passed',
    ...(input.shard === undefined ? {} : { shard: shardRecord(input.shard, plan, reports, startMs) }),
  };
  result.thresholds = evaluateThresholds(result, parseThresholds(load.thresholds ?? []).thresholds);
  return judgeLoad(result, { failures: input.reason === undefined ? [] : [input.reason] });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function shardRecord(
  shard: NonNullable<BuildInput['shard']>,
  plan: RunPlan,
  reports: readonly WorkerReport[],
  startMs: number,
): LoadShard {
  const sent = new Map<number, number>();
  for (const report of reports)
    for (const [publisher, count] of report.sentByPublisher)
      sent.set(publisher, (sent.get(publisher) ?? 0) + count);
  return {
    runId: shard.runId,
    planHash: shard.loadHash,
    index: shard.index,
    count: shard.count,
    startMs,
    ...(shard.clock === undefined ? {} : { clock: shard.clock }),
    publishers: plan.local.publishers.map((spec) => ({
      index: spec.index,
      topic: spec.topic,
      qos: spec.qos,
      sent: sent.get(spec.index) ?? 0,
    })),
    receivers: plan.local.receivers.map((receiver) => ({ ...receiver })),
    deliveries: reports.flatMap((report) => report.receivers),
  };
}

/** A target pool: each endpoint's figures, summed over the workers. */
function endpointFigures(plan: RunPlan, reports: readonly WorkerReport[]): EndpointFigures[] {
  return plan.workers[0]!.endpoints.map(({ host, port }, index) => {
    const total = { endpoint: `${host}:${port}`, clients: 0, connected: 0, failed: 0, sent: 0, received: 0 };
    for (const report of reports) {
      const part = report.endpoints[index];
      if (part === undefined) continue;
      total.clients += part.attempted;
      total.connected += part.connected;
      total.failed += part.failed;
      total.sent += part.sent;
      total.received += part.received;
    }
    return total;
  });
}
