// The warm-up of a timed load against a real broker (Mosquitto on loopback): its messages are sent
// and delivered (the delivery verdict covers them) but counted and timed apart: the latency, service
// and lateness histograms, the intervals and the rates hold the measured schedule's messages only.
// Every claim is an exact count; nothing here depends on the machine's speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mergeLoadResults,
  presetSection,
  runLoadScenario,
  type LoadSection,
} from '../../harness/load/index.js';
import type { LoadResult } from '../../harness/result/model.js';
import { parseScenario } from '../../harness/scenario/index.js';
import { formatIssue } from '../../harness/errors.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { startMosquitto } from './mosquitto.js';

let broker: StartedTarget;

beforeAll(async () => {
  broker = await startMosquitto();
}, 30_000);

afterAll(async () => {
  await broker?.stop();
});

function run(section: LoadSection, name = 'warmup'): Promise<LoadResult> {
  return runLoadScenario(section, {
    endpoint: broker.endpoint,
    target: broker,
    profile: 'none',
    mqttVersion: '5.0',
    signal: AbortSignal.timeout(60_000),
    name,
  });
}

const pairs = (workers: number, warmup: string | number): LoadSection => ({
  executor: 'constant-arrival-rate',
  rate: 200,
  duration: '1s',
  warmup,
  workers,
  publishers: { count: 2, topic: '{prefix}/w/%i', qos: 1, size: 32 },
  subscribers: { count: 2, topic: '{prefix}/w/%i', qos: 1 },
});

/** The warm-up is apart from every measured figure, and the two together are what was delivered. */
function expectApart(result: LoadResult, warmupMessages: number): void {
  const warmup = result.warmup!;
  expect(warmup).toBeDefined();
  expect(warmup.intended).toBe(warmupMessages);
  expect(warmup.sent + warmup.dropped).toBe(warmupMessages);
  expect(result.intended).toBe(200);
  expect(result.sent + result.dropped).toBe(200);
  // QoS 1 on loopback: everything sent arrives, warm-up or not.
  expect(warmup.received).toBe(warmup.sent);
  expect(result.received).toBe(result.sent);
  expect(warmup.latency.count).toBe(warmup.received);
  expect(result.latency.count).toBe(result.received);
  expect(result.serviceTime?.percentiles.count).toBe(result.received);
  expect(result.sendLateness?.percentiles.count).toBe(result.sent);
  expect(result.intervals.reduce((sum, interval) => sum + interval.received, 0)).toBe(result.received);
  expect(result.intervals.reduce((sum, interval) => sum + interval.sent, 0)).toBe(result.sent);
  expect(result.delivery).toEqual([
    {
      qos: 1,
      expected: result.sent + warmup.sent,
      received: result.received + warmup.received,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      ok: true,
    },
  ]);
}

describe('load warm-up', () => {
  it('in this thread: warm-up messages are delivered and measured apart', async () => {
    const result = await run(pairs(0, '500ms'));
    expect(result.warmup?.durationMs).toBe(500);
    expectApart(result, 100);
  }, 60_000);

  it('in two worker threads, with the default warm-up (1 s at the schedule rate)', async () => {
    const section = pairs(2, 0);
    delete (section as { warmup?: unknown }).warmup;
    const result = await run(section);
    expect(result.warmup?.durationMs).toBe(1000);
    expectApart(result, 200);
  }, 60_000);

  it('warmup: 0 runs none and reports none', async () => {
    const result = await run(pairs(0, 0));
    expect(result.warmup).toBeUndefined();
    expect(result.delivery[0]).toMatchObject({ expected: result.sent, received: result.received, lost: 0 });
  }, 60_000);

  it('merging two runs adds their warm-ups (counts and histograms)', async () => {
    const a = await run(pairs(0, '250ms'), 'merged');
    const b = await run(pairs(0, '250ms'), 'merged');
    const merged = mergeLoadResults([a, b]);
    expect(merged.warmup).toMatchObject({
      durationMs: 250,
      intended: 100,
      sent: a.warmup!.sent + b.warmup!.sent,
      received: a.warmup!.received + b.warmup!.received,
    });
    expect(merged.warmup?.latency.count).toBe(a.warmup!.latency.count + b.warmup!.latency.count);
    expect(merged.latency.count).toBe(a.latency.count + b.latency.count);
  }, 60_000);

  it('a connection storm takes no warmup: a schema error at its file:line:column', () => {
    const text = [
      'name: storm',
      "mqtt: '3.1.1'",
      'load:',
      '  executor: connection-storm',
      '  connections: 10',
      '  warmup: 1s',
      '',
    ].join('\n');
    const { scenario, issues } = parseScenario(text, 'storm.yaml');
    expect(scenario).toBeUndefined();
    expect(issues.map(formatIssue)).toEqual([
      expect.stringMatching(
        /^storm\.yaml:6:3: load\.warmup: unknown key 'warmup' \(allowed: executor, connections,/,
      ),
    ]);
    expect(parseScenario(text.replace('  warmup: 1s\n', ''), 'storm.yaml').issues).toEqual([]);
  });

  it('`harness bench --warmup` sets the preset section; closed and open presets both take it', () => {
    expect(presetSection('pairs', { warmup: '0s' })).toMatchObject({
      executor: 'constant-arrival-rate',
      warmup: '0s',
    });
    expect(presetSection('pairs', { max: true, warmup: '2s' })).toMatchObject({
      executor: 'closed-loop',
      warmup: '2s',
    });
    expect(presetSection('pairs', {})).not.toHaveProperty('warmup');
  });
});
