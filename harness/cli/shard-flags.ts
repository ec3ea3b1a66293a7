// The sharding flags `harness run` and `harness bench` share: --shard I/N, --shards N (the index
// from JOB_COMPLETION_INDEX, as a pod of a Kubernetes Indexed Job sees it), --run-id, --start-at,
// and --processes N (N shard processes on this host, merged).
import { randomBytes } from 'node:crypto';
import type { Reporter } from '../reporters/index.js';
import {
  checkShard,
  parseShard,
  shardFromEnvironment,
  ShardError,
  type ShardSetting,
} from '../shard/index.js';
import { getString, type OptionTable, type OptionValues } from './args.js';

export const SHARD_OPTIONS: OptionTable = {
  shard: {
    type: 'string',
    value: 'I/N',
    description: 'run shard I of N of every load (clients and schedule sliced; merge the results)',
  },
  shards: {
    type: 'string',
    value: 'N',
    description: 'run one of N shards, the index from $JOB_COMPLETION_INDEX (Kubernetes Indexed Job)',
  },
  'run-id': {
    type: 'string',
    value: 'ID',
    description: 'the same in every shard of one run (default: $HARNESS_RUN_ID, else "shared")',
  },
  'start-at': {
    type: 'string',
    value: 'TIME',
    description:
      'shards start the schedule at this epoch ms or ISO time (default: agreed through the broker)',
  },
  processes: {
    type: 'string',
    value: 'N',
    description: 'run every load as N shard processes on this host and merge them',
  },
};

export interface ShardFlags {
  shard?: ShardSetting;
  processes?: { count: number; runId: string; startAtMs?: number };
}

/** The sharding flags as settings; ShardError (exit 2) on a bad or contradictory value. */
export function shardFlags(values: OptionValues, env: NodeJS.ProcessEnv): ShardFlags {
  const shardText = getString(values, 'shard');
  const shardsText = getString(values, 'shards');
  const processesText = getString(values, 'processes');
  const given = [shardText, shardsText, processesText].filter((value) => value !== undefined).length;
  if (given > 1) throw new ShardError('give one of --shard, --shards and --processes');
  const startText = getString(values, 'start-at');
  const startAtMs = startText === undefined ? undefined : parseStart(startText);
  const runIdText = getString(values, 'run-id') ?? env['HARNESS_RUN_ID'];
  if (runIdText !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(runIdText))
    throw new ShardError(`--run-id: letters, digits, '_', '.', '-' (at most 64), got '${runIdText}'`);
  const timing = startAtMs === undefined ? {} : { startAtMs };
  if (processesText !== undefined) {
    const count = positiveInteger('--processes', processesText);
    return { processes: { count, runId: runIdText ?? randomBytes(6).toString('hex'), ...timing } };
  }
  const spec =
    shardText !== undefined
      ? parseShard(shardText)
      : shardsText !== undefined
        ? shardFromEnvironment(positiveInteger('--shards', shardsText), env)
        : undefined;
  if (spec === undefined) {
    if (startAtMs !== undefined || getString(values, 'run-id') !== undefined)
      throw new ShardError('--start-at and --run-id go with --shard, --shards or --processes');
    return {};
  }
  checkShard(spec.index, spec.count);
  return { shard: { ...spec, runId: runIdText ?? 'shared', ...timing } };
}

function positiveInteger(flag: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1)
    throw new ShardError(`${flag} needs a whole number ≥ 1, got '${text}'`);
  return Number(text);
}

function parseStart(text: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value))
    throw new ShardError(`--start-at needs epoch ms or an ISO time, got '${text}'`);
  return value;
}

/**
 * In a shard process started by --processes (an IPC channel to the launcher): load progress goes
 * to the launcher, which shows one line for all shards.
 */
export function launcherProgress(send: ((message: unknown) => boolean) | undefined): Reporter | undefined {
  if (send === undefined) return undefined;
  return { onLoadProgress: (progress) => void send({ type: 'progress', progress }) };
}
