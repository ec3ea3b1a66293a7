// Merging load results from several runs (processes or machines) of the same load. Loads are keyed
// by name × target × profile × MQTT version and only loads with the same key and the same schedule
// merge: histograms are decoded and added (exact, same buckets), counts summed, delivery verdicts
// summed per QoS, intervals aligned on absolute time, thresholds re-evaluated on the merged figures.
// Two targets, two profiles or two MQTT versions are never folded together.
import { HarnessError } from '../errors.js';
import { loadKey } from '../result/index.js';
import { combineRuns, eventLoopDelayP99Ms } from '../result/index.js';
import type {
  DeliveryVerdict,
  EndpointFigures,
  LoadInterval,
  LoadResult,
  RunResult,
} from '../result/index.js';
import { mergeWarmups, verdictOk } from './aggregate.js';
import {
  addCounts,
  CONNECTION_COUNTS,
  DELIVERY_COUNTS,
  ENDPOINT_COUNTS,
  INTERVAL_COUNTS,
  LOAD_COUNTS,
  sumCounts,
  zeroCounts,
} from './counts.js';
import { encodeHistogram, mergeEncoded, percentiles } from './histogram.js';
import { reevaluateThresholds } from './thresholds.js';
import { canonicalJson } from '../shard/identity.js';
import { shardMergePlan } from '../shard/merge.js';
import { judgeLoad } from './verdict.js';

export class MergeError extends HarnessError {
  constructor(message: string) {
    super('HARNESS_MERGE_INVALID', message);
    this.name = 'MergeError';
  }
}

/**
 * Several RunResults as one: scenario results by id (a later file wins), loads with the same key
 * merged. Refuses (MergeError) loads of one key whose schedules differ or that come from different
 * versions of the tool.
 */
export function mergeRunResults(runs: readonly RunResult[]): RunResult {
  const versionOf = new Map<LoadResult, string>();
  for (const run of runs) for (const load of run.loads) versionOf.set(load, run.tool.version);
  return combineRuns(runs, {
    loads: (loads) =>
      groupByKey(loads).map((group) => {
        const versions = [...new Set(group.map((load) => versionOf.get(load)))];
        if (versions.length > 1) {
          throw new MergeError(
            `cannot merge load '${loadKey(group[0]!)}': the results come from different harness versions (${versions.join(', ')})`,
          );
        }
        // Shards of one sharded run: counts and histograms as below, delivery judged across shards.
        if (group.some((load) => load.shard !== undefined)) {
          const { shards, options, summary } = shardMergePlan(group);
          return { ...mergeLoadResults(shards, options), shards: summary };
        }
        return mergeLoadResults(group);
      }),
  });
}

/** Loads grouped by key, in the order each key first appears. */
export function groupByKey(loads: readonly LoadResult[]): LoadResult[][] {
  const groups = new Map<string, LoadResult[]>();
  for (const load of loads) {
    const key = loadKey(load);
    groups.set(key, [...(groups.get(key) ?? []), load]);
  }
  return [...groups.values()];
}

/** How a merge of one load's results differs for the shards of one sharded run (harness/shard/merge.ts). */
export interface MergeOptions {
  /** The intervals already count from one agreed start (shards): aligned on their offsets, not on `startedAt`. */
  sharedStart?: boolean;
  /** Delivery verdicts judged across the results (shards) instead of each result's summed. */
  delivery?: DeliveryVerdict[];
  /** More reasons the merged load fails (missing shards). */
  failures?: readonly string[];
  /** How a result is named in the merged reasons (default: its id). */
  label?: (result: LoadResult) => string;
}

/** The runs of ONE load (same key, same schedule) as one LoadResult; MergeError otherwise. */
export function mergeLoadResults(results: readonly LoadResult[], options: MergeOptions = {}): LoadResult {
  const first = results[0];
  if (first === undefined) throw new MergeError('nothing to merge');
  checkMergeable(first, results);
  const sharded = options.sharedStart === true || options.delivery !== undefined;
  if (results.length === 1 && !sharded) return first;
  const label = options.label ?? ((result: LoadResult) => result.id);
  const starts = results.map((result) => Date.parse(result.startedAt));
  const base = Math.min(...starts);
  const end = Math.max(...results.map((result, index) => starts[index]! + result.durationMs));
  const sum = (pick: (result: LoadResult) => number): number =>
    results.reduce((total, result) => total + pick(result), 0);
  const max = (pick: (result: LoadResult) => number): number =>
    results.reduce((top, result) => Math.max(top, pick(result)), 0);
  const latency = mergeEncoded(results.map((result) => result.histogram));
  const connections = sumConnections(results);
  const endpoints = sumEndpoints(results);
  const errorMessages = [...new Set(results.flatMap((result) => result.errorMessages ?? []))].slice(0, 20);
  const warmup = mergeWarmups(results.map((result) => result.warmup));
  const merged: LoadResult = {
    id: first.id,
    name: first.name,
    ...(first.file === undefined ? {} : { file: first.file }),
    target: first.target,
    profile: first.profile,
    mqttVersion: first.mqttVersion,
    executor: first.executor,
    config: { ...first.config, mergedFrom: sum(mergedFrom) },
    startedAt: new Date(base).toISOString(),
    durationMs: end - base,
    ...sumCounts(results, LOAD_COUNTS),
    // Runs in parallel add up; a rate is per run, so the merged rate is the sum.
    rate: {
      sentPerSec: sum((result) => result.rate.sentPerSec),
      receivedPerSec: sum((result) => result.rate.receivedPerSec),
    },
    latency: percentiles(latency),
    histogram: encodeHistogram(latency),
    ...mergeTimings(results),
    ...(warmup === undefined ? {} : { warmup }),
    intervals: mergeIntervalsByTime(
      results,
      starts.map((start) => (options.sharedStart === true ? 0 : start - base)),
    ),
    delivery: options.delivery ?? mergeDelivery(results.flatMap((result) => result.delivery)),
    generator: {
      saturated: results.some((result) => result.generator.saturated),
      eventLoopLagP99Ms: max((result) => result.generator.eventLoopLagP99Ms),
      eventLoopDelayP99Ms: max((result) => eventLoopDelayP99Ms(result.generator)),
      scheduleOverrunMs: max((result) => result.generator.scheduleOverrunMs),
      cpuPercent: sum((result) => result.generator.cpuPercent),
      workers: sum((result) => result.generator.workers),
      ...sameCpus(results.map((result) => result.generator.cpus)),
    },
    ...mergeBroker(results),
    ...(connections === undefined ? {} : { connections }),
    ...(endpoints === undefined ? {} : { endpoints }),
    ...(errorMessages.length > 0 ? { errorMessages } : {}),
    thresholds: [],
    verdict: 'passed',
  };
  merged.thresholds = reevaluateThresholds(merged, results);
  // A run that failed on its own (not on a threshold the merged figures judge again) fails the merge;
  // one whose figures could not be trusted leaves the merged figures untrusted too.
  const failures = [
    ...(options.failures ?? []),
    ...results
      .filter((result) => result.verdict === 'failed' && result.reason?.includes('threshold') !== true)
      .map((result) => `${label(result)}: ${result.reason ?? 'failed'}`),
  ];
  const inconclusive = results.flatMap((result) =>
    (result.inconclusive ?? []).map((reason) => `${label(result)}: ${reason}`),
  );
  return judgeLoad(merged, { failures, inconclusive });
}

/** The same broker observed by every run: its figures are not additive. */
function mergeBroker(results: readonly LoadResult[]): Pick<LoadResult, 'broker'> | Record<string, never> {
  const brokers = results.flatMap((result) => (result.broker === undefined ? [] : [result.broker]));
  if (brokers.length === 0) return {};
  return {
    broker: {
      cpuPercent: Math.max(...brokers.map((b) => b.cpuPercent)),
      rssMaxBytes: Math.max(...brokers.map((b) => b.rssMaxBytes)),
      ...sameCpus(brokers.map((b) => b.cpus)),
    },
  };
}

/** A placement the merged runs all had (the same list in each); none otherwise. */
function sameCpus(lists: readonly (string | undefined)[]): { cpus?: string } {
  const [first] = lists;
  return first !== undefined && lists.every((list) => list === first) ? { cpus: first } : {};
}

type Timed = 'ackLatency' | 'connectLatency' | 'serviceTime' | 'sendLateness';

/** The optional timings (ack, connect, service time, send lateness): merged where any run has them. */
function mergeTimings(results: readonly LoadResult[]): Partial<Pick<LoadResult, Timed>> {
  const out: Partial<Pick<LoadResult, Timed>> = {};
  for (const key of ['ackLatency', 'connectLatency', 'serviceTime', 'sendLateness'] as const) {
    const merged = mergeEncoded(results.map((result) => result[key]?.histogram));
    if (merged.totalCount > 0)
      out[key] = { percentiles: percentiles(merged), histogram: encodeHistogram(merged) };
  }
  return out;
}

/** Intervals in one-second slots of the merged time line (each result's intervals shifted by its offset, ms). */
function mergeIntervalsByTime(results: readonly LoadResult[], offsets: readonly number[]): LoadInterval[] {
  const slots = new Map<number, LoadInterval[]>();
  results.forEach((result, index) => {
    for (const interval of result.intervals) {
      const slot = Math.round((offsets[index]! + interval.startMs) / 1000);
      slots.set(slot, [...(slots.get(slot) ?? []), interval]);
    }
  });
  return [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, parts]) => {
      const histogram = mergeEncoded(parts.map((part) => part.histogram));
      const late = parts.some((part) => part.lateSends !== undefined);
      return {
        startMs: slot * 1000,
        durationMs: Math.max(...parts.map((part) => part.durationMs)),
        ...sumCounts(parts, INTERVAL_COUNTS),
        ...(late ? { lateSends: parts.reduce((total, part) => total + (part.lateSends ?? 0), 0) } : {}),
        latency: percentiles(histogram),
        histogram: encodeHistogram(histogram),
      };
    });
}

function mergeDelivery(verdicts: readonly DeliveryVerdict[]): DeliveryVerdict[] {
  const byQos = new Map<0 | 1 | 2, Omit<DeliveryVerdict, 'ok'>>();
  for (const verdict of verdicts) {
    const total = byQos.get(verdict.qos) ?? { qos: verdict.qos, ...zeroCounts(DELIVERY_COUNTS) };
    byQos.set(verdict.qos, addCounts(total, verdict, DELIVERY_COUNTS));
  }
  return [...byQos.values()]
    .sort((a, b) => a.qos - b.qos)
    .map((verdict) => ({ ...verdict, ok: verdictOk(verdict) }));
}

function sumConnections(results: readonly LoadResult[]): LoadResult['connections'] {
  const parts = results.flatMap((result) => (result.connections === undefined ? [] : [result.connections]));
  return parts.length === 0 ? undefined : sumCounts(parts, CONNECTION_COUNTS);
}

/** Figures per endpoint of a target pool, summed over the results. */
function sumEndpoints(results: readonly LoadResult[]): EndpointFigures[] | undefined {
  const byEndpoint = new Map<string, EndpointFigures>();
  for (const result of results)
    for (const figures of result.endpoints ?? []) {
      const total = byEndpoint.get(figures.endpoint) ?? {
        endpoint: figures.endpoint,
        ...zeroCounts(ENDPOINT_COUNTS),
      };
      byEndpoint.set(figures.endpoint, addCounts(total, figures, ENDPOINT_COUNTS));
    }
  return byEndpoint.size === 0 ? undefined : [...byEndpoint.values()];
}

/** How many runs a result already stands for. */
function mergedFrom(result: LoadResult): number {
  const value = result.config['mergedFrom'];
  return typeof value === 'number' && value >= 1 ? value : 1;
}

function checkMergeable(first: LoadResult, results: readonly LoadResult[]): void {
  const key = loadKey(first);
  const schedule = scheduleOf(first);
  for (const result of results) {
    if (loadKey(result) !== key) {
      throw new MergeError(
        `cannot merge '${key}' with '${loadKey(result)}': only runs of the same load (name × target × profile × MQTT version) merge`,
      );
    }
    if (scheduleOf(result) !== schedule) {
      throw new MergeError(
        `cannot merge load '${key}': the runs have different schedules or settings (${result.executor} ${scheduleOf(result)} vs ${first.executor} ${schedule})`,
      );
    }
  }
}

/** The executor and its settings, as canonical JSON (without what merging adds or derives). */
function scheduleOf(result: LoadResult): string {
  const { mergedFrom: _merged, plan: _plan, ...settings } = result.config;
  return canonicalJson({ executor: result.executor, ...settings });
}
