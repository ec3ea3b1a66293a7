// Merging the shards of one sharded load into the result one unsharded run would give. Counts and
// HDR histograms add exactly (the load merge, harness/load/merge.ts, does all of the adding); only
// delivery is judged here, again, from the shards' records:
// every publisher's sent count (from the shard it ran in) against what every receiver got from it
// (sequence-number bitsets from the shards the receiver's members ran in, OR-ed), so fan-out and
// fan-in across shards are exact. Shards of different runs or plans are refused; a segment given
// twice is refused; missing segments are listed and fail the merged load (its delivery cannot be
// judged without them).
import { HarnessError } from '../errors.js';
import { verdictOk } from '../load/aggregate.js';
import { mergeReceiverReports } from '../load/delivery.js';
import type { MergeOptions } from '../load/merge.js';
import { matchReceivers, type Receiver } from '../load/topics.js';
import type { DeliveryVerdict, LoadResult, LoadShard, MergedShards } from '../result/index.js';

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
 * How the load merge (harness/load/merge.ts: counts, histograms, intervals, thresholds, verdict)
 * merges the shards of one run: intervals on the agreed start, delivery judged across the shards,
 * missing segments a failure (delivery cannot be judged without them); and the shards' summary.
 */
export function shardMergePlan(results: readonly LoadResult[]): {
  shards: LoadResult[];
  options: MergeOptions;
  summary: MergedShards;
} {
  const { shards, missing } = checkShards(results);
  const first = shards[0]!.shard;
  const options: MergeOptions = {
    sharedStart: true,
    delivery: shardDelivery(shards),
    failures:
      missing.length > 0
        ? [
            `missing shard(s) ${missing.map((index) => `${index}/${first.count}`).join(', ')}: delivery not judged exactly`,
          ]
        : [],
    label: (result) => `shard ${result.shard?.index}`,
  };
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
  return { shards, options, summary };
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
