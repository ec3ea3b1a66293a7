// Shards (after k6's execution segments): shard I of N runs the slice [I/N, (I+1)/N) of every
// group of clients (publishers, subscribers, bare connections), so N shards together run exactly
// the clients, and with them the schedule, of one unsharded run. A message of the open-model
// schedule belongs to the publisher it is due on, so a shard sends exactly its publishers' share of
// the schedule at the offsets the whole run would. A publisher is never split: its sequence numbers
// and its one MQTT session stay in one process.
import { HarnessError } from '../errors.js';

export interface ShardSpec {
  /** 0-based. */
  index: number;
  count: number;
}

/** Everything a load needs to run as one shard of a sharded run. */
export interface ShardSetting extends ShardSpec {
  /** The same in every shard of one run: client ids, the payload run tag and the barrier topics derive from it. */
  runId: string;
  /** Epoch ms at which every shard starts the schedule (else the shards agree on one through the broker). */
  startAtMs?: number;
  /** Longest wait for the other shards at the start barrier (default 120 s). */
  barrierTimeoutMs?: number;
}

export class ShardError extends HarnessError {
  constructor(message: string) {
    super('HARNESS_SHARD_INVALID', message);
    this.name = 'ShardError';
  }
}

/** `I/N` with 0 ≤ I < N. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new ShardError(`--shard needs I/N (e.g. 0/4), got '${text}'`);
  return checkShard(Number(match[1]), Number(match[2]));
}

export function checkShard(index: number, count: number): ShardSpec {
  if (!Number.isInteger(count) || count < 1) throw new ShardError(`shard count must be ≥ 1, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new ShardError(`shard index must be 0…${count - 1}, got ${index}`);
  return { index, count };
}

/** `--shards N` with the index from the environment (JOB_COMPLETION_INDEX of a Kubernetes Indexed Job). */
export function shardFromEnvironment(count: number, env: NodeJS.ProcessEnv): ShardSpec {
  const raw = env['JOB_COMPLETION_INDEX'] ?? env['HARNESS_SHARD_INDEX'];
  if (raw === undefined || raw.trim() === '')
    throw new ShardError('--shards N needs the shard index in JOB_COMPLETION_INDEX (or HARNESS_SHARD_INDEX)');
  if (!/^\d+$/.test(raw.trim())) throw new ShardError(`JOB_COMPLETION_INDEX is not an index: '${raw}'`);
  return checkShard(Number(raw), count);
}

/** This shard's part [from, to) of `total` items numbered 0…total−1. */
export function sliceRange(total: number, shard: ShardSpec | undefined): { from: number; to: number } {
  if (shard === undefined) return { from: 0, to: total };
  return {
    from: Math.floor((total * shard.index) / shard.count),
    to: Math.floor((total * (shard.index + 1)) / shard.count),
  };
}

export function inSlice(index: number, total: number, shard: ShardSpec | undefined): boolean {
  const { from, to } = sliceRange(total, shard);
  return index >= from && index < to;
}

export function formatShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}
