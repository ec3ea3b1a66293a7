// The LoadResult of a run from its workers' reports: counts, histograms, delivery, generator
// figures, the warm-up apart, thresholds and verdict; and the live progress of one interval.
import type {
  EndpointFigures,
  LoadProgress,
  LoadResult,
  LoadShard,
  ShardClockEstimate,
} from '../result/index.js';
import type { ShardSetting } from '../shard/segment.js';
import {
  deliveryVerdicts,
  generatorFigures,
  latencyFigures,
  mergeBuckets,
  mergeIntervals,
  sumConnections,
  sumReports,
  warmupFigures,
} from './aggregate.js';
import { ENDPOINT_COUNTS, sumCounts } from './counts.js';
import type { LoadRunContext } from './engine.js';
import type { RunPlan } from './plan.js';
import type { OwnCpu, sampleProcess } from './process-stats.js';
import type { IntervalMessage, WorkerReport } from './protocol.js';
import type { RunState } from './run-state.js';
import type { LoadSection } from './schema.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';
import { judgeLoad } from './verdict.js';

export function progressOf(
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

export interface BuildInput {
  load: LoadSection;
  context: LoadRunContext;
  plan: RunPlan;
  state: RunState;
  startedAt: Date;
  /** The measured schedule's start, epoch ms (after the warm-up). */
  startMs: number;
  warmupMs: number;
  reason: string | undefined;
  cpu: OwnCpu;
  broker: ReturnType<ReturnType<typeof sampleProcess>['stop']>;
  shard?: ShardSetting & { loadHash: string; clock: ShardClockEstimate | undefined };
  kernel: LoadResult['kernel'];
}

export function buildResult(input: BuildInput): LoadResult {
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
    ...(input.warmupMs > 0 ? { warmup: warmupFigures(reports, input.warmupMs) } : {}),
    intervals: mergeIntervals(state.intervals),
    // A shard cannot judge delivery alone (its subscribers hear other shards' publishers):
    // `harness merge` does, from the shard record below.
    delivery: input.shard !== undefined && input.shard.count > 1 ? [] : deliveryVerdicts(plan, reports),
    generator: generatorFigures(reports, {
      cpu: input.cpu,
      workers: plan.inProcess ? 0 : plan.workers.length,
      received: totals.received,
    }),
    ...(input.broker === undefined
      ? {}
      : {
          broker: {
            ...input.broker,
            ...(input.context.target.cpus === undefined ? {} : { cpus: input.context.target.cpus }),
          },
        }),
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
    // A worker reports the clients it tried on an endpoint as `attempted`.
    const parts = reports.flatMap((report) => {
      const part = report.endpoints[index];
      return part === undefined ? [] : [{ ...part, clients: part.attempted }];
    });
    return { endpoint: `${host}:${port}`, ...sumCounts(parts, ENDPOINT_COUNTS) };
  });
}
