// mergeResults: LoadResults from several runs (processes or machines) → one. Histograms are
// decoded and added (exact, same buckets), counts summed, delivery verdicts summed per QoS,
// intervals aligned on absolute time, thresholds re-evaluated on the merged figures.
import type { DeliveryVerdict, LoadInterval, LoadResult } from '../result/model.js';
import { verdictOk } from './aggregate.js';
import { encodeHistogram, mergeEncoded, percentiles } from './histogram.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';

export class MergeError extends Error {
  readonly code = 'LOAD_MERGE_INVALID';
}

export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const first = results[0];
  if (first === undefined) throw new MergeError('nothing to merge');
  if (results.length === 1) return first;
  const starts = results.map((result) => Date.parse(result.startedAt));
  const base = Math.min(...starts);
  const end = Math.max(...results.map((result, index) => starts[index]! + result.durationMs));
  const sum = (pick: (result: LoadResult) => number): number =>
    results.reduce((total, result) => total + pick(result), 0);
  const max = (pick: (result: LoadResult) => number): number =>
    results.reduce((top, result) => Math.max(top, pick(result)), 0);
  const latency = mergeEncoded(results.map((result) => result.histogram));
  const ack = mergeEncoded(results.map((result) => result.ackLatency?.histogram));
  const connect = mergeEncoded(results.map((result) => result.connectLatency?.histogram));
  const brokers = results.flatMap((result) => (result.broker === undefined ? [] : [result.broker]));
  const names = [...new Set(results.map((result) => result.name))];
  const targets = [...new Set(results.map((result) => result.target))];
  const merged: LoadResult = {
    id: `merged:${results.map((result) => result.id).join('+')}`,
    name: names.join('+'),
    target: targets.join('+'),
    profile: first.profile,
    mqttVersion: first.mqttVersion,
    executor: first.executor,
    config: { ...first.config, mergedFrom: results.length },
    startedAt: new Date(base).toISOString(),
    durationMs: end - base,
    intended: sum((result) => result.intended),
    sent: sum((result) => result.sent),
    dropped: sum((result) => result.dropped),
    received: sum((result) => result.received),
    errors: sum((result) => result.errors),
    // Runs in parallel add up; a rate is per run, so the merged rate is the sum.
    rate: {
      sentPerSec: sum((result) => result.rate.sentPerSec),
      receivedPerSec: sum((result) => result.rate.receivedPerSec),
    },
    latency: percentiles(latency),
    histogram: encodeHistogram(latency),
    ...(ack.totalCount > 0
      ? { ackLatency: { percentiles: percentiles(ack), histogram: encodeHistogram(ack) } }
      : {}),
    ...(connect.totalCount > 0
      ? { connectLatency: { percentiles: percentiles(connect), histogram: encodeHistogram(connect) } }
      : {}),
    intervals: mergeIntervalsByTime(results, starts, base),
    delivery: mergeDelivery(results.flatMap((result) => result.delivery)),
    generator: {
      saturated: results.some((result) => result.generator.saturated),
      eventLoopLagP99Ms: max((result) => result.generator.eventLoopLagP99Ms),
      scheduleOverrunMs: max((result) => result.generator.scheduleOverrunMs),
      cpuPercent: sum((result) => result.generator.cpuPercent),
      workers: sum((result) => result.generator.workers),
    },
    // The same broker observed by every run: its figures are not additive.
    ...(brokers.length > 0
      ? {
          broker: {
            cpuPercent: Math.max(...brokers.map((b) => b.cpuPercent)),
            rssMaxBytes: Math.max(...brokers.map((b) => b.rssMaxBytes)),
          },
        }
      : {}),
    thresholds: [],
    verdict: 'passed',
  };
  const expressions = [
    ...new Set(results.flatMap((result) => result.thresholds.map((threshold) => threshold.expression))),
  ];
  merged.thresholds = evaluateThresholds(merged, parseThresholds(expressions).thresholds);
  const failures = [
    ...merged.delivery
      .filter((verdict) => !verdict.ok)
      .map((verdict) => `QoS ${verdict.qos}: lost ${verdict.lost}, duplicated ${verdict.duplicated}`),
    ...merged.thresholds
      .filter((threshold) => !threshold.ok)
      .map((threshold) => `threshold '${threshold.expression}' not met (actual ${threshold.actual})`),
    ...results
      .filter((result) => result.verdict === 'failed' && result.reason?.includes('threshold') !== true)
      .map((result) => `${result.id}: ${result.reason ?? 'failed'}`),
  ];
  if (failures.length > 0) {
    merged.verdict = 'failed';
    merged.reason = failures.join('; ');
  }
  return merged;
}

function mergeIntervalsByTime(
  results: readonly LoadResult[],
  starts: readonly number[],
  base: number,
): LoadInterval[] {
  const slots = new Map<number, LoadInterval[]>();
  results.forEach((result, index) => {
    for (const interval of result.intervals) {
      const slot = Math.round((starts[index]! - base + interval.startMs) / 1000);
      slots.set(slot, [...(slots.get(slot) ?? []), interval]);
    }
  });
  return [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, parts]) => {
      const histogram = mergeEncoded(parts.map((part) => part.histogram));
      return {
        startMs: slot * 1000,
        durationMs: Math.max(...parts.map((part) => part.durationMs)),
        sent: parts.reduce((total, part) => total + part.sent, 0),
        received: parts.reduce((total, part) => total + part.received, 0),
        errors: parts.reduce((total, part) => total + part.errors, 0),
        latency: percentiles(histogram),
        histogram: encodeHistogram(histogram),
      };
    });
}

function mergeDelivery(verdicts: readonly DeliveryVerdict[]): DeliveryVerdict[] {
  const byQos = new Map<0 | 1 | 2, Omit<DeliveryVerdict, 'ok'>>();
  for (const verdict of verdicts) {
    const total = byQos.get(verdict.qos) ?? {
      qos: verdict.qos,
      expected: 0,
      received: 0,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
    };
    total.expected += verdict.expected;
    total.received += verdict.received;
    total.lost += verdict.lost;
    total.duplicated += verdict.duplicated;
    total.outOfOrder += verdict.outOfOrder;
    byQos.set(verdict.qos, total);
  }
  return [...byQos.values()]
    .sort((a, b) => a.qos - b.qos)
    .map((verdict) => ({ ...verdict, ok: verdictOk(verdict) }));
}
