// runLoadScenario: validate, plan, start the workers (threads, or in-process with `workers: 0`),
// synchronize the start, stream progress, drain, and build the LoadResult.
import type { LoadProgress, LoadResult, ShardClockEstimate } from '../result/index.js';
import { shardBarrier } from '../shard/barrier.js';
import { planHash, runIdentity } from '../shard/identity.js';
import type { ShardSetting } from '../shard/segment.js';
import type { Endpoint, StartedTarget } from '../targets/index.js';
import { buildResult, progressOf } from './build-result.js';
import { openChannel } from './channel.js';
import { nowMs } from './clock.js';
import { getExecutor } from './executors/registry.js';
import type { Executor } from './executors/types.js';
import { buildRunPlan } from './plan.js';
import { countKernel } from './kernel-counters.js';
import { probePath } from './drain-path.js';
import { measureOwnCpu, sampleProcess, type OwnCpu } from './process-stats.js';
import type { EngineMessage } from './protocol.js';
import { RunState } from './run-state.js';
import type { LoadSection } from './schema.js';
import { sectionForRun } from './thresholds.js';
import { LoadConfigError, validateLoadSection } from './validate.js';
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
  /**
   * Bytes the network path between the generator and the broker still holds (a kernel profile's
   * sockets and relay: KernelLink.inFlight); undefined when it cannot tell. Given, the drain's quiet
   * spell does not end the drain while the path holds bytes (drain-path.ts).
   */
  pathInFlight?: () => Promise<number | undefined>;
  /** The run's generator CPUs (`--generator-cpus`): in place of the section's `cpus`. */
  cpus?: string | undefined;
}

export async function runLoadScenario(section: LoadSection, context: LoadRunContext): Promise<LoadResult> {
  const load = scopedToRun(section, context);
  const executor = checkedExecutor(load, context);
  const executorPlan = executor.plan(load);
  // The warm-up runs first, from the agreed start; the measured schedule `warmupMs` later.
  const warmupMs = executor.warmup(load)?.durationMs ?? 0;
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
      const agreed = await agreeShardStart(context, shard, loadHash);
      ({ clock, reason } = agreed);
      startMs = agreed.startMs ?? startMs;
    }
    cpu = measureOwnCpu();
    broadcast(reason === undefined ? { type: 'start', startMs } : { type: 'abort' });
    const runBudget = warmupMs + executorPlan.durationMs + 2 * plan.workers[0]!.drainTimeoutMs + 30_000;
    if (!(await state.waitFor((w) => w.published !== undefined, runBudget))) {
      reason ??= `the schedule did not finish within ${runBudget} ms`;
      broadcast({ type: 'abort' });
    }
    const unreported = await drainWorkers(state, plan, broadcast, context.pathInFlight);
    reason ??= unreported;
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
    startMs: startMs + warmupMs,
    warmupMs,
    reason,
    cpu: cpuUsed ?? cpu?.stop() ?? { percent: 0, userUs: 0, systemUs: 0 },
    broker: broker?.stop(),
    ...(shard === undefined ? {} : { shard: { ...shard, loadHash, clock } }),
    kernel: kernel.stop(),
  });
}

/**
 * The section narrowed to the thresholds whose scope (target, profile) applies to this run, with the
 * run's generator CPUs when it has them. Every
 * path (the orchestrator, a sweep's steps, the programmatic API) comes through runLoadScenario, so
 * this is the one place scopes are applied.
 */
function scopedToRun(section: LoadSection, context: LoadRunContext): LoadSection {
  const scoped = sectionForRun(section, {
    target: context.target.name,
    kind: context.target.kind,
    profile: context.profile,
  });
  return context.cpus === undefined ? scoped : { ...scoped, cpus: context.cpus };
}

/** The executor of a load section that the engine can run, or every reason it cannot. */
function checkedExecutor(load: LoadSection, context: LoadRunContext): Executor {
  const errors = validateLoadSection(load);
  if (context.endpoint.transport !== 'tcp')
    errors.push(`transport '${context.endpoint.transport}': the load engine speaks plain TCP only`);
  const executor = getExecutor(load.executor);
  if (executor === undefined) errors.push(`unknown executor '${load.executor}'`);
  if (errors.length > 0 || executor === undefined) throw new LoadConfigError(errors);
  return executor;
}

/** The start every shard agreed on through the broker, on this process's clock; or why not. */
async function agreeShardStart(
  context: LoadRunContext,
  shard: ShardSetting,
  loadHash: string,
): Promise<{ startMs?: number; clock?: ShardClockEstimate; reason?: string }> {
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
    const clock = agreed.clock;
    // The agreed start is on shard 0's clock: on ours it is `offset` later (clock.ts: each
    // process's clock is its own timeOrigin + monotonic time, tens of ms apart on a busy host).
    const startMs = agreed.startMs + (clock.uncertaintyMs >= 0 ? clock.offsetMs : 0);
    if (startMs < nowMs())
      return { startMs, clock, reason: `the agreed start (${new Date(startMs).toISOString()}) had passed` };
    return { startMs, clock };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Tells every worker how many messages each publisher sent (a subscriber judges delivery against
 * all publishers, in any worker) and waits for their reports; the reason when some did not report.
 */
async function drainWorkers(
  state: RunState,
  plan: { publishers: readonly unknown[]; workers: readonly { drainTimeoutMs: number }[] },
  broadcast: (message: EngineMessage) => void,
  pathInFlight?: () => Promise<number | undefined>,
): Promise<string | undefined> {
  const drainTimeoutMs = plan.workers[0]!.drainTimeoutMs;
  const sentByPublisher = new Array<number>(plan.publishers.length).fill(0);
  for (const worker of state.workers)
    for (const [publisher, count] of worker.published ?? []) sentByPublisher[publisher] = count;
  broadcast({ type: 'drain', sentByPublisher, pathProbed: pathInFlight !== undefined });
  const reported = state.waitFor((w) => w.report !== undefined, drainTimeoutMs + 30_000);
  const probing = pathInFlight && probePath(pathInFlight, broadcast, reported);
  const all = await reported;
  await probing;
  if (all) return undefined;
  broadcast({ type: 'abort' });
  await state.waitFor((w) => w.report !== undefined, 5000);
  return 'workers did not report';
}
