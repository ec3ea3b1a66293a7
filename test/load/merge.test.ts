// Two half-rate runs merged must equal the histograms combined by hand, and counts must add up.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as hdr from 'hdr-histogram-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { command as mergeCommand } from '../../harness/cli/commands/merge.js';
import { mergeLoadResults, runLoadScenario, type LoadSection } from '../../harness/load/index.js';
import { assembleResult } from '../../harness/result/assemble.js';
import type { LoadResult, RunResult } from '../../harness/result/model.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { startMosquitto } from './mosquitto.js';

let broker: StartedTarget;
let halves: LoadResult[];

const half: LoadSection = {
  executor: 'constant-arrival-rate',
  warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
  rate: 150,
  duration: '1s',
  workers: 0,
  publishers: { count: 2, topic: '{prefix}/m/%i', qos: 1, size: 48 },
  subscribers: { count: 1, topic: '{prefix}/m/+', qos: 1 },
  thresholds: ['lost == 0', 'p99 < 10s'],
};

beforeAll(async () => {
  broker = await startMosquitto();
  const run = (name: string) =>
    runLoadScenario(half, {
      endpoint: broker.endpoint,
      target: broker,
      profile: 'none',
      mqttVersion: '5.0',
      signal: new AbortController().signal,
      name,
    });
  // Two processes would run these side by side; run them concurrently here too.
  halves = await Promise.all([run('half'), run('half')]);
});
afterAll(async () => {
  await broker?.stop();
});

function byHand(results: LoadResult[]): hdr.Histogram {
  const total = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const result of results) total.add(hdr.decodeFromCompressedBase64(result.histogram.encoded));
  return total;
}

it('merged counts and percentiles equal the parts combined by hand', () => {
  const [a, b] = halves as [LoadResult, LoadResult];
  expect(a.delivery[0]?.lost).toBe(0);
  expect(b.delivery[0]?.lost).toBe(0);
  const merged = mergeLoadResults([a, b]);
  expect(merged.intended).toBe(300);
  expect(merged.sent).toBe(a.sent + b.sent);
  expect(merged.received).toBe(a.received + b.received);
  expect(merged.dropped).toBe(a.dropped + b.dropped);
  expect(merged.delivery).toEqual([
    {
      qos: 1,
      expected: a.delivery[0]!.expected + b.delivery[0]!.expected,
      received: a.received + b.received,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      ok: true,
    },
  ]);
  const hand = byHand([a, b]);
  expect(merged.latency.count).toBe(hand.totalCount);
  for (const [field, percentile] of [
    ['p50', 50],
    ['p90', 90],
    ['p99', 99],
    ['p999', 99.9],
  ] as const) {
    // Same HDR buckets: equal within the histogram's precision (3 significant digits).
    expect(Math.abs(merged.latency[field] - hand.getValueAtPercentile(percentile))).toBeLessThanOrEqual(
      hand.getValueAtPercentile(percentile) * 0.001 + 1,
    );
  }
  expect(merged.latency.max).toBe(Math.max(a.latency.max, b.latency.max));
  expect(merged.rate.sentPerSec).toBeCloseTo(a.rate.sentPerSec + b.rate.sentPerSec, 5);
  expect(merged.thresholds.map((threshold) => threshold.expression)).toEqual(['lost == 0', 'p99 < 10s']);
  // Each half lost nothing; the merge is as trustworthy as its halves (a busy machine may make them inconclusive).
  expect(merged.verdict).toBe([a, b].every((half) => half.verdict === 'passed') ? 'passed' : 'inconclusive');
  // Interval counts add up to the totals.
  expect(merged.intervals.reduce((sum, interval) => sum + interval.sent, 0)).toBe(merged.sent);
});

/** A load as the RunResult a run (or `harness bench --json`) writes. */
function asRun(load: LoadResult): RunResult {
  return assembleResult({
    toolVersion: '1.0.0',
    startedAt: new Date(load.startedAt),
    durationMs: load.durationMs,
    targets: [{ name: load.target, kind: 'mosquitto', url: '' }],
    profiles: [load.profile],
    measurements: [],
    scenarios: [],
    loads: [load],
  });
}

it('`harness merge a.json b.json -o all.json` writes the same merge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-merge-'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify(asRun(halves[0]!)));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(asRun(halves[1]!)));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const code = await mergeCommand.run(['a.json', 'b.json', '-o', 'all.json', '--inconclusive', 'warn'], {
    stdout,
    stderr,
    isTTY: false,
    env: {},
    cwd: dir,
    signal: new AbortController().signal,
  });
  expect(code).toBe(0);
  const written = (JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as RunResult).loads[0]!;
  const direct = mergeLoadResults(halves);
  expect(written.latency).toEqual(direct.latency);
  expect(written.delivery).toEqual(direct.delivery);
  expect(written.sent).toBe(direct.sent);
});

it('rejects a file that is not a result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-merge-'));
  writeFileSync(join(dir, 'x.json'), '{"hello": 1}');
  const stderr = new PassThrough();
  const code = await mergeCommand.run(['x.json'], {
    stdout: new PassThrough(),
    stderr,
    isTTY: false,
    env: {},
    cwd: dir,
    signal: new AbortController().signal,
  });
  expect(code).toBe(2);
});
