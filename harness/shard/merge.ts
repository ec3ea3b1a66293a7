// Merging the shards of one sharded load into the result one unsharded run would give. Counts and
// HDR histograms add exactly (the load merge); delivery is judged again from the shards' records:
// every publisher's sent count (from the shard it ran in) against what every receiver got from it
// (sequence-number bitsets from the shards the receiver's members ran in, OR-ed), so fan-out and
// fan-in across shards are exact. Shards of different runs or plans are refused; a segment given
// twice is refused; missing segments are listed and fail the merged load (its delivery cannot be
// judged without them).
import { HarnessError } from '../errors.js';
import { verdictOk } from '../load/aggregate.js';
import { mergeReceiverReports } from '../load/delivery.js';
import { encodeHistogram, mergeEncoded, percentiles } from '../load/histogram.js';
import { reevaluateThresholds } from '../load/thresholds.js';
import { matchReceivers, type Receiver } from '../load/topics.js';
import { judgeLoad } from '../load/verdict.js';
import type {
  DeliveryVerdict,
  EndpointFigures,
  LoadInterval,
  LoadResult,
  LoadShard,
  MergedShards,
} from '../result/index.js';

export class ShardMergeError extends HarnessError {
  constructor(message: string) {
    super('HARNESS_SHARD_MISMATCH', message);
    this.name = 'ShardMergeError';
  }
}

type Sharded = LoadResult & { shard: LoadShard };

/** Checks the shards belong together; returns which segments are there and which are missing. */
export function checkShards(results: readonly LoadResult[]): { shards: Sharded[]; missing: number[] } {
  const sharded = results.filter((result): result is Sharded => result.shard !== undefined);
  const first = sharded[0];
  if (first === undefined) throw new ShardMergeError('no shard results to merge');
  if (sharded.length !== results.length)
    throw new ShardMergeError(
      `load '${first.name}': ${results.length - sharded.length} unsharded result(s) mixed with shard results`,
    );
  const problems: string[] = [];
  for (const result of sharded) {
    const { shard } = result;
    if (shard.runId !== first.shard.runId)
      problems.push(
        `shard ${shard.index}/${shard.count} is of run '${shard.runId}', not '${first.shard.runId}'`,
      );
    if (shard.planHash !== first.shard.planHash)
      problems.push(
        `shard ${shard.index}/${shard.count} ran plan ${shard.planHash}, not ${first.shard.planHash} (the load, target, profile or version differ)`,
      );
    if (shard.count !== first.shard.count)
      problems.push(`shard ${shard.index}/${shard.count} is one of ${shard.count}, not ${first.shard.count}`);
  }
  const seen = new Map<number, number>();
  for (const { shard } of sharded) seen.set(shard.index, (seen.get(shard.index) ?? 0) + 1);
  const duplicated = [...seen.entries()].filter(([, times]) => times > 1).map(([index]) => index);
  if (duplicated.length > 0)
    problems.push(
      `segment(s) ${duplicated.map((index) => `${index}/${first.shard.count}`).join(', ')} given more than once`,
    );
  if (problems.length > 0)
    throw new ShardMergeError(`cannot merge the shards of load '${first.name}': ${problems.join('; ')}`);
  const missing: number[] = [];
  for (let index = 0; index < first.shard.count; index++) if (!seen.has(index)) missing.push(index);
  return { shards: sharded, missing };
}

/**
 * The shards' merged result, given the load merge of the same results (counts and histograms).
 * Replaces its delivery verdicts, intervals, verdict and reason; adds what the load merge leaves out.
 */
export function completeShardMerge(base: LoadResult, results: readonly LoadResult[]): LoadResult {
  const { shards, missing } = checkShards(results);
  const first = shards[0]!.shard;
  const summary: MergedShards = {
    runId: first.runId,
    planHash: first.planHash,
    count: first.count,
    merged: shards.map((result) => result.shard.index).sort((a, b) => a - b),
    missing,
    clocks: shards
      .filter((result) => result.shard.clock !== undefined)
      .map((result) => ({ index: result.shard.index, ...result.shard.clock! }))
      .sort((a, b) => a.index - b.index),
  };
  const optional = (pick: (result: LoadResult) => { histogram: LoadResult['histogram'] } | undefined) => {
    const histogram = mergeEncoded(shards.map((result) => pick(result)?.histogram));
    return histogram.totalCount > 0
      ? { percentiles: percentiles(histogram), histogram: encodeHistogram(histogram) }
      : undefined;
  };
  const service = optional((result) => result.serviceTime);
  const lateness = optional((result) => result.sendLateness);
  const connections = sumConnections(shards);
  const endpoints = sumEndpoints(shards);
  const merged: LoadResult = {
    ...base,
    ...(service === undefined ? {} : { serviceTime: service }),
    ...(lateness === undefined ? {} : { sendLateness: lateness }),
    ...(connections === undefined ? {} : { connections }),
    ...(endpoints === undefined ? {} : { endpoints }),
    intervals: intervalsOnTheSharedClock(shards),
    delivery: shardDelivery(shards),
    shards: summary,
    thresholds: [],
    verdict: 'passed',
  };
  delete merged.reason;
  delete merged.shard; // one shard's record (the load merge returns a single result as it is)
  merged.thresholds = reevaluateThresholds(merged, shards);
  // Delivery and thresholds are judged on the merged figures (judgeLoad); a shard that broke on its
  // own fails the merge, one whose figures could not be trusted leaves the merge inconclusive.
  const failures = [
    ...(missing.length > 0
      ? [
          `missing shard(s) ${missing.map((index) => `${index}/${first.count}`).join(', ')}: delivery not judged exactly`,
        ]
      : []),
    ...shards
      .filter((result) => result.verdict === 'failed' && result.reason?.includes('threshold') !== true)
      .map((result) => `shard ${result.shard.index}: ${result.reason ?? 'failed'}`),
  ];
  const inconclusive = shards.flatMap((result) =>
    (result.inconclusive ?? []).map((reason) => `shard ${result.shard.index}: ${reason}`),
  );
  return judgeLoad(merged, { failures, inconclusive });
}

/** Delivery verdicts per QoS over every shard's publishers and receivers (DeliveryVerdict as one run). */
export function shardDelivery(shards: readonly { shard: LoadShard }[]): DeliveryVerdict[] {
  const publishers = new Map<number, { topic: string; qos: 0 | 1 | 2; sent: number }>();
  const receivers = new Map<string, Receiver>();
  for (const { shard } of shards) {
    for (const publisher of shard.publishers) publishers.set(publisher.index, publisher);
    for (const receiver of shard.receivers) receivers.set(receiver.key, receiver);
  }
  if (publishers.size === 0 || receivers.size === 0) return [];
  const ordered = [...publishers.entries()].sort(([a], [b]) => a - b);
  const merged = mergeReceiverReports(shards.flatMap(({ shard }) => shard.deliveries));
  const matches = matchReceivers(
    ordered.map(([, publisher]) => publisher.topic),
    [...receivers.values()],
  );
  const byQos = new Map<0 | 1 | 2, Omit<DeliveryVerdict, 'ok'>>();
  matches.forEach((list, position) => {
    const [index, publisher] = ordered[position]!;
    for (const receiver of list) {
      const qos = Math.min(publisher.qos, receiver.qos) as 0 | 1 | 2;
      const verdict = byQos.get(qos) ?? {
        qos,
        expected: 0,
        received: 0,
        lost: 0,
        duplicated: 0,
        outOfOrder: 0,
      };
      byQos.set(qos, verdict);
      const pair = merged.get(receiver.key)?.get(index);
      verdict.expected += publisher.sent;
      verdict.received += pair?.received ?? 0;
      verdict.lost += Math.max(0, publisher.sent - (pair?.unique ?? 0));
      verdict.duplicated += pair ? pair.received - pair.unique : 0;
      verdict.outOfOrder += pair?.outOfOrder ?? 0;
    }
  });
  return [...byQos.values()]
    .sort((a, b) => a.qos - b.qos)
    .map((verdict) => ({ ...verdict, ok: verdictOk(verdict) }));
}

/** Intervals by their offset from the agreed start (the same second in every shard). */
function intervalsOnTheSharedClock(shards: readonly LoadResult[]): LoadInterval[] {
  const slots = new Map<number, LoadInterval[]>();
  for (const result of shards)
    for (const interval of result.intervals)
      slots.set(interval.startMs, [...(slots.get(interval.startMs) ?? []), interval]);
  return [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([startMs, parts]) => {
      const histogram = mergeEncoded(parts.map((part) => part.histogram));
      return {
        startMs,
        durationMs: Math.max(...parts.map((part) => part.durationMs)),
        sent: parts.reduce((total, part) => total + part.sent, 0),
        received: parts.reduce((total, part) => total + part.received, 0),
        errors: parts.reduce((total, part) => total + part.errors, 0),
        lateSends: parts.reduce((total, part) => total + (part.lateSends ?? 0), 0),
        latency: percentiles(histogram),
        histogram: encodeHistogram(histogram),
      };
    });
}

function sumConnections(shards: readonly LoadResult[]): LoadResult['connections'] {
  const parts = shards.flatMap((result) => (result.connections === undefined ? [] : [result.connections]));
  if (parts.length === 0) return undefined;
  const total = { attempted: 0, connected: 0, failed: 0, peak: 0 };
  for (const part of parts) {
    total.attempted += part.attempted;
    total.connected += part.connected;
    total.failed += part.failed;
    total.peak += part.peak;
  }
  return total;
}

/** Figures per endpoint of a target pool, summed over the shards. */
export function sumEndpoints(results: readonly LoadResult[]): EndpointFigures[] | undefined {
  const byEndpoint = new Map<string, EndpointFigures>();
  for (const result of results)
    for (const figures of result.endpoints ?? []) {
      const total = byEndpoint.get(figures.endpoint) ?? {
        endpoint: figures.endpoint,
        clients: 0,
        connected: 0,
        failed: 0,
        sent: 0,
        received: 0,
      };
      total.clients += figures.clients;
      total.connected += figures.connected;
      total.failed += figures.failed;
      total.sent += figures.sent;
      total.received += figures.received;
      byEndpoint.set(figures.endpoint, total);
    }
  return byEndpoint.size === 0 ? undefined : [...byEndpoint.values()];
}
