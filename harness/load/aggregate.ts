// Worker reports → one LoadResult: histograms merged exactly, counts summed, delivery verdicts per
// QoS computed from the merged receiver states and the publisher → receiver matching.
import type {
  DeliveryVerdict,
  EncodedHistogram,
  LoadInterval,
  LoadResult,
  LoadWarmup,
  Percentiles,
} from '../result/index.js';
import { LAG_RESOLUTION_MS } from './clock.js';
import { CONNECTION_COUNTS, LOAD_COUNTS, sumCounts, WARMUP_COUNTS } from './counts.js';
import { mergeReceiverReports } from './delivery.js';
import { encodeHistogram, histogramFromBuckets, mergeEncoded, percentiles } from './histogram.js';
import { LATE_SEND_MS } from './measurements.js';
import type { IntervalMessage, WorkerReport } from './protocol.js';
import type { RunPlan } from './plan.js';
import type { OwnCpu } from './process-stats.js';
import { matchReceivers } from './topics.js';

const INTERVAL_MS = 1000;

export function mergeIntervals(intervals: readonly IntervalMessage[]): LoadInterval[] {
  const byIndex = new Map<number, IntervalMessage[]>();
  for (const interval of intervals)
    byIndex.set(interval.index, [...(byIndex.get(interval.index) ?? []), interval]);
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, parts]) => {
      const histogram = mergeBuckets(parts);
      // Whole seconds (the timer's jitter ignored), except a worker's last interval, closed when the
      // run ended (the drain's tail); a worker that was still running makes the interval whole.
      const lengths = parts.map((part) =>
        part.final ? Math.round(part.endMs - index * INTERVAL_MS) : INTERVAL_MS,
      );
      return {
        startMs: index * INTERVAL_MS,
        durationMs: Math.max(1, Math.min(INTERVAL_MS, Math.max(...lengths))),
        sent: parts.reduce((sum, part) => sum + part.sent, 0),
        received: parts.reduce((sum, part) => sum + part.received, 0),
        errors: parts.reduce((sum, part) => sum + part.errors, 0),
        lateSends: parts.reduce((sum, part) => sum + part.late, 0),
        latency: percentiles(histogram),
        histogram: encodeHistogram(histogram),
      };
    });
}

export function deliveryVerdicts(plan: RunPlan, reports: readonly WorkerReport[]): DeliveryVerdict[] {
  if (plan.receivers.length === 0 || plan.publishers.length === 0) return [];
  const sent = new Map<number, number>();
  for (const report of reports)
    for (const [publisher, count] of report.sentByPublisher)
      sent.set(publisher, (sent.get(publisher) ?? 0) + count);
  const merged = mergeReceiverReports(reports.flatMap((report) => report.receivers));
  const matches = matchReceivers(
    plan.publishers.map((spec) => spec.topic),
    plan.receivers,
  );
  const byQos = new Map<0 | 1 | 2, DeliveryVerdict>();
  for (const [publisherIndex, receivers] of matches.entries()) {
    const publisher = plan.publishers[publisherIndex]!;
    const count = sent.get(publisher.index) ?? 0;
    for (const receiver of receivers) {
      const qos = Math.min(publisher.qos, receiver.qos) as 0 | 1 | 2;
      let verdict = byQos.get(qos);
      if (!verdict)
        byQos.set(
          qos,
          (verdict = { qos, expected: 0, received: 0, lost: 0, duplicated: 0, outOfOrder: 0, ok: true }),
        );
      const pair = merged.get(receiver.key)?.get(publisher.index);
      verdict.expected += count;
      verdict.received += pair?.received ?? 0;
      verdict.lost += Math.max(0, count - (pair?.unique ?? 0));
      verdict.duplicated += pair ? pair.received - pair.unique : 0;
      verdict.outOfOrder += pair?.outOfOrder ?? 0;
    }
  }
  return [...byQos.values()]
    .sort((a, b) => a.qos - b.qos)
    .map((verdict) => ({ ...verdict, ok: verdictOk(verdict) }));
}

/** QoS 1 must lose nothing; QoS 2 must lose and duplicate nothing; QoS 0 loss is reported only. */
export function verdictOk(verdict: Omit<DeliveryVerdict, 'ok'>): boolean {
  if (verdict.qos === 1) return verdict.lost === 0;
  if (verdict.qos === 2) return verdict.lost === 0 && verdict.duplicated === 0;
  return true;
}

export function mergeWorkerHistograms(
  reports: readonly WorkerReport[],
  field: 'latency' | 'service' | 'ack' | 'connect' | 'lateness',
): ReturnType<typeof mergeEncoded> {
  return mergeEncoded(reports.map((report) => report[field]));
}

export function sumReports(
  reports: readonly WorkerReport[],
): Pick<LoadResult, 'intended' | 'sent' | 'dropped' | 'received' | 'errors'> {
  return sumCounts(reports, LOAD_COUNTS);
}

/** One histogram of the workers' parts of an interval. */
export function mergeBuckets(parts: readonly IntervalMessage[]): ReturnType<typeof histogramFromBuckets> {
  return histogramFromBuckets(parts.flatMap((part) => part.buckets));
}

/** The schedule counts as not kept when the 99th percentile of send lateness exceeds this. */
const SATURATION_LATENESS_MS = LATE_SEND_MS;

type Figures = { percentiles: Percentiles; histogram: EncodedHistogram };

function figures(histogram: ReturnType<typeof mergeEncoded>): Figures {
  return { percentiles: percentiles(histogram), histogram: encodeHistogram(histogram) };
}

/** Latency from the intended time, and the histograms beside it that have anything in them. */
export function latencyFigures(
  reports: readonly WorkerReport[],
): Pick<
  LoadResult,
  'latency' | 'histogram' | 'serviceTime' | 'sendLateness' | 'ackLatency' | 'connectLatency'
> {
  const latency = mergeWorkerHistograms(reports, 'latency');
  const optional = (field: 'service' | 'lateness' | 'ack' | 'connect'): Figures | undefined => {
    const histogram = mergeWorkerHistograms(reports, field);
    return histogram.totalCount > 0 ? figures(histogram) : undefined;
  };
  const service = optional('service');
  const lateness = optional('lateness');
  const ack = optional('ack');
  const connect = optional('connect');
  return {
    latency: percentiles(latency),
    histogram: encodeHistogram(latency),
    ...(service === undefined ? {} : { serviceTime: service }),
    ...(lateness === undefined ? {} : { sendLateness: lateness }),
    ...(ack === undefined ? {} : { ackLatency: ack }),
    ...(connect === undefined ? {} : { connectLatency: connect }),
  };
}

/** The warm-up's messages (kept out of every other figure): counts and latency from the intended time. */
export function warmupFigures(reports: readonly WorkerReport[], durationMs: number): LoadWarmup {
  const total = sumCounts(
    reports.map((report) => report.warmup),
    WARMUP_COUNTS,
  );
  const latency = mergeEncoded(reports.map((report) => report.warmup.latency));
  return { durationMs, ...total, latency: percentiles(latency), histogram: encodeHistogram(latency) };
}

/** Several runs' warm-ups as one (undefined when none had one): counts summed, histograms added. */
export function mergeWarmups(warmups: readonly (LoadWarmup | undefined)[]): LoadWarmup | undefined {
  const present = warmups.filter((warmup): warmup is LoadWarmup => warmup !== undefined);
  if (present.length === 0) return undefined;
  const latency = mergeEncoded(present.map((warmup) => warmup.histogram));
  return {
    durationMs: Math.max(...present.map((warmup) => warmup.durationMs)),
    ...sumCounts(present, WARMUP_COUNTS),
    latency: percentiles(latency),
    histogram: encodeHistogram(latency),
  };
}

/** What the generator did to keep its schedule, and what it cost. */
export function generatorFigures(
  reports: readonly WorkerReport[],
  run: { cpu: OwnCpu; workers: number; received: number },
): LoadResult['generator'] {
  const lateness = mergeWorkerHistograms(reports, 'lateness');
  const latenessP99Ms = lateness.totalCount > 0 ? lateness.getValueAtPercentile(99) / 1000 : 0;
  const timer = reports.find((report) => report.timer !== undefined)?.timer;
  // The worst worker's; the monitor's raw p99 includes its sampling period (delay = raw − period).
  const lagP99Ms = reports.reduce((max, report) => Math.max(max, report.eventLoopLagP99Ms), 0);
  return {
    saturated: latenessP99Ms > SATURATION_LATENESS_MS,
    eventLoopLagP99Ms: round(lagP99Ms),
    eventLoopDelayP99Ms: round(Math.max(0, lagP99Ms - LAG_RESOLUTION_MS)),
    scheduleOverrunMs: round(reports.reduce((max, report) => Math.max(max, report.scheduleOverrunMs), 0)),
    cpuPercent: run.cpu.percent,
    workers: run.workers,
    sendLatenessP99Ms: round(latenessP99Ms),
    foreignMessages: reports.reduce((sum, report) => sum + report.foreign, 0),
    ...(timer === undefined ? {} : { timer }),
    ...pinnedCpus(reports),
    ...runQueueWait(reports),
    ...(run.received > 0
      ? { cpuPerMessageUs: round((run.cpu.userUs + run.cpu.systemUs) / run.received) }
      : {}),
  };
}

/** The CPUs the worker threads were pinned to, as read back from /proc (every worker pins to the same list). */
function pinnedCpus(reports: readonly WorkerReport[]): Pick<LoadResult['generator'], 'cpus'> {
  const lists = new Set(reports.flatMap((report) => (report.placement ? [report.placement.cpus] : [])));
  return lists.size === 0 ? {} : { cpus: [...lists].join(' ') };
}

/** The workers' threads' run-queue wait (summed) and their process's (the largest reading). */
function runQueueWait(reports: readonly WorkerReport[]): Pick<LoadResult['generator'], 'runQueueWaitMs'> {
  const readings = reports.flatMap((report) =>
    report.runQueueWaitMs === undefined ? [] : [report.runQueueWaitMs],
  );
  if (readings.length === 0) return {};
  return {
    runQueueWaitMs: {
      workers: round(readings.reduce((sum, reading) => sum + reading.thread, 0)),
      process: round(Math.max(...readings.map((reading) => reading.process))),
    },
  };
}

export function sumConnections(reports: readonly WorkerReport[]): NonNullable<LoadResult['connections']> {
  return sumCounts(
    reports.map((report) => report.connections),
    CONNECTION_COUNTS,
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
