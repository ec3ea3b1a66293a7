// The shard merge: delivery judged across shards from the shards' records (a subscriber in one
// shard, its publisher in another), shards of different plans refused (exit 2), duplicate
// segments refused, missing segments listed and failing the merged load.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { command as mergeCommand } from '../../harness/cli/commands/merge.js';
import { mergeRunResults } from '../../harness/load/merge.js';
import { assembleResult } from '../../harness/result/assemble.js';
import type { LoadResult, LoadShard, RunResult } from '../../harness/result/model.js';
import { createHistogram, encodeHistogram } from '../../harness/load/histogram.js';
import { ShardMergeError, shardDelivery } from '../../harness/shard/merge.js';

const EMPTY = encodeHistogram(createHistogram());

/** base64 bitset with the given sequence numbers set. */
function bits(...seqs: number[]): string {
  const bytes = new Uint8Array(8);
  for (const seq of seqs) bytes[seq >>> 3]! |= 1 << (seq & 7);
  return Buffer.from(bytes).toString('base64');
}

function shardLoad(
  index: number,
  shard: Partial<LoadShard>,
  overrides: Partial<LoadResult> = {},
): LoadResult {
  return {
    id: 'fan|mqtt://b|5.0|none',
    name: 'fan',
    target: 'mqtt://b',
    profile: 'none',
    mqttVersion: '5.0',
    executor: 'constant-arrival-rate',
    config: { executor: 'constant-arrival-rate', rate: 10 },
    startedAt: new Date(1_000_000).toISOString(),
    durationMs: 1000,
    intended: 0,
    sent: 0,
    dropped: 0,
    received: 0,
    errors: 0,
    rate: { sentPerSec: 0, receivedPerSec: 0 },
    latency: { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
    histogram: EMPTY,
    intervals: [],
    delivery: [],
    generator: { saturated: false, eventLoopLagP99Ms: 0, scheduleOverrunMs: 0, cpuPercent: 0, workers: 1 },
    thresholds: [],
    verdict: 'passed',
    shard: {
      runId: 'r1',
      planHash: 'abc',
      index,
      count: 2,
      startMs: 1_000_000,
      publishers: [],
      receivers: [],
      deliveries: [],
      ...shard,
    },
    ...overrides,
  };
}

function run(loads: LoadResult[]): RunResult {
  return assembleResult({
    toolVersion: '1.0.0',
    startedAt: new Date(1_000_000),
    durationMs: 1000,
    targets: [],
    measurements: [],
    profiles: [],
    scenarios: [],
    loads,
  });
}

// Shard 0: the publisher (sent 4) and subscriber a; shard 1: subscriber b, which missed seq 2.
const publisherShard = shardLoad(
  0,
  {
    publishers: [{ index: 0, topic: 'p/t', qos: 1, sent: 4 }],
    receivers: [{ key: 'a', filter: 'p/t', qos: 1 }],
    deliveries: [{ key: 'a', pairs: [{ publisher: 0, received: 5, outOfOrder: 0, bits: bits(0, 1, 2, 3) }] }],
  },
  { intended: 4, sent: 4, received: 5 },
);
const subscriberShard = shardLoad(
  1,
  {
    receivers: [{ key: 'b', filter: 'p/#', qos: 1 }],
    deliveries: [{ key: 'b', pairs: [{ publisher: 0, received: 3, outOfOrder: 1, bits: bits(0, 3, 1) }] }],
  },
  { received: 3 },
);

describe('shard merge', () => {
  it('judges each receiver against publishers in any shard', () => {
    expect(shardDelivery([publisherShard, subscriberShard] as { shard: LoadShard }[])).toEqual([
      { qos: 1, expected: 8, received: 8, lost: 1, duplicated: 1, outOfOrder: 1, ok: false },
    ]);
    const merged = mergeRunResults([run([publisherShard]), run([subscriberShard])]).loads[0]!;
    expect(merged).toMatchObject({ sent: 4, received: 8, verdict: 'failed' });
    expect(merged.shards).toMatchObject({ runId: 'r1', count: 2, merged: [0, 1], missing: [] });
    expect(merged.shard).toBeUndefined();
    expect(merged.reason).toMatch(/QoS 1: lost 1, duplicated 1/);
  });

  it('adds connections, pool endpoints, error messages and intervals through the one load merge', () => {
    const interval = (sent: number) => ({
      startMs: 1000,
      durationMs: 1000,
      sent,
      received: 0,
      errors: 0,
      lateSends: 1,
      latency: { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
      histogram: EMPTY,
    });
    const endpoint = (name: string, clients: number) => ({
      endpoint: name,
      clients,
      connected: clients,
      failed: 0,
      sent: 0,
      received: 0,
    });
    // Shard 1 started 700 ms later by its own clock: its intervals still count from the agreed start.
    const a = shardLoad(
      0,
      {},
      {
        connections: { attempted: 3, connected: 3, failed: 0, peak: 3 },
        endpoints: [endpoint('h1:1883', 2), endpoint('h2:1883', 1)],
        errorMessages: ['connection closed by broker'],
        intervals: [interval(5)],
      },
    );
    const b = shardLoad(
      1,
      {},
      {
        startedAt: new Date(1_000_700).toISOString(),
        connections: { attempted: 3, connected: 2, failed: 1, peak: 2 },
        endpoints: [endpoint('h1:1883', 1), endpoint('h2:1883', 2)],
        errorMessages: ['connection closed by broker', 'CONNACK refused: reason 5'],
        intervals: [interval(7)],
      },
    );
    const merged = mergeRunResults([run([a]), run([b])]).loads[0]!;
    expect(merged.connections).toEqual({ attempted: 6, connected: 5, failed: 1, peak: 5 });
    expect(merged.endpoints).toEqual([endpoint('h1:1883', 3), endpoint('h2:1883', 3)]);
    expect(merged.errorMessages).toEqual(['connection closed by broker', 'CONNACK refused: reason 5']);
    expect(merged.intervals.map(({ startMs, sent }) => ({ startMs, sent }))).toEqual([
      { startMs: 1000, sent: 12 },
    ]);
  });

  it('lists missing segments and fails the merged load', () => {
    const merged = mergeRunResults([run([publisherShard])]).loads[0]!;
    expect(merged.shards?.missing).toEqual([1]);
    expect(merged.verdict).toBe('failed');
    expect(merged.reason).toMatch(/missing shard\(s\) 1\/2/);
  });

  it('refuses shards of another plan or run, and a segment given twice', () => {
    const other = shardLoad(1, { planHash: 'def' });
    expect(() => mergeRunResults([run([publisherShard]), run([other])])).toThrow(ShardMergeError);
    expect(() => mergeRunResults([run([publisherShard]), run([shardLoad(1, { runId: 'r2' })])])).toThrow(
      /of run 'r2'/,
    );
    expect(() => mergeRunResults([run([publisherShard]), run([publisherShard])])).toThrow(
      /segment\(s\) 0\/2 given more than once/,
    );
  });

  it('harness merge exits 2 with the coded error for shards of different plans', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shard-merge-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(run([publisherShard])));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(run([shardLoad(1, { planHash: 'def' })])));
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await mergeCommand.run(['a.json', 'b.json'], {
      stdout: new PassThrough(),
      stderr,
      isTTY: false,
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(text).toMatch(/HARNESS_SHARD_MISMATCH|ran plan def, not abc/);
  });
});
