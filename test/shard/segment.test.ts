// Shard slices partition every group exactly; the flags and the environment give valid shards only.
import { describe, expect, it } from 'vitest';
import { buildRunPlan } from '../../harness/load/plan.js';
import type { LoadSection } from '../../harness/load/schema.js';
import { constantArrivalRate } from '../../harness/load/executors/constant-arrival-rate.js';
import { parseShard, shardFromEnvironment, sliceRange, ShardError } from '../../harness/shard/segment.js';
import { runIdentity } from '../../harness/shard/identity.js';

describe('sliceRange', () => {
  it('splits 0…total−1 into N contiguous parts that cover it once', () => {
    for (const total of [0, 1, 3, 7, 10, 100_000])
      for (const count of [1, 2, 3, 4, 6, 7]) {
        let next = 0;
        for (let index = 0; index < count; index++) {
          const { from, to } = sliceRange(total, { index, count });
          expect(from).toBe(next);
          expect(to).toBeGreaterThanOrEqual(from);
          next = to;
        }
        expect(next).toBe(total);
      }
  });
});

describe('shard plans', () => {
  const section: LoadSection = {
    executor: 'constant-arrival-rate',
    rate: 100,
    duration: '1s',
    publishers: { count: 1, topic: '{prefix}/t', qos: 1 },
    subscribers: { count: 4, topic: '{prefix}/t', qos: 1 },
  };
  const endpoint = { transport: 'tcp' as const, host: '127.0.0.1', port: 1883 };
  const plan = (index: number) =>
    buildRunPlan(section, endpoint, '5.0', constantArrivalRate.plan(section), {
      shard: { index, count: 4 },
      ...runIdentity('run-1', 'hash'),
    });

  it('gives each client to one shard and keeps every shard aware of all publishers', () => {
    const plans = [0, 1, 2, 3].map(plan);
    expect(plans.map((p) => p.local.publishers.length)).toEqual([0, 0, 0, 1]);
    expect(plans.map((p) => p.local.receivers.length)).toEqual([1, 1, 1, 1]);
    const clientIds = plans.flatMap((p) => p.workers.flatMap((w) => [...w.publishers, ...w.subscribers]));
    expect(new Set(clientIds.map((spec) => spec.clientId)).size).toBe(5);
    for (const p of plans) {
      expect(p.publishers).toHaveLength(1); // the whole schedule's publishers, for n mod P
      expect(p.workers.every((w) => w.totalPublishers === 1 && w.sharded)).toBe(true);
      expect(p.prefix).toBe(plans[0]!.prefix); // same run id: same client ids and run tag
      expect(p.runTag).toBe(plans[0]!.runTag);
    }
  });
});

describe('shard flags', () => {
  it('parses I/N and refuses what is not one', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '1', 'a/b', '-1/3', '0/0']) expect(() => parseShard(bad)).toThrow(ShardError);
  });

  it('takes the index from JOB_COMPLETION_INDEX', () => {
    expect(shardFromEnvironment(4, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(() => shardFromEnvironment(4, {})).toThrow(/JOB_COMPLETION_INDEX/);
    expect(() => shardFromEnvironment(4, { JOB_COMPLETION_INDEX: '4' })).toThrow(ShardError);
  });
});
