import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadScenario, timerStatus, type LoadSection } from '../../harness/load/index.js';
import type { LoadResult } from '../../harness/result/model.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { startMosquitto } from './mosquitto.js';
import type { MqttVersion } from '../../harness/vocabulary.js';

let broker: StartedTarget;

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

/** passed, or inconclusive for a reason of the machine's (schedule, kernel: counters are machine-wide), never failed. */
function expectNotFailed(result: LoadResult): void {
  if (result.verdict === 'inconclusive')
    expect(result.reason).toMatch(/schedule missed|generator saturated|kernel turned connections away/);
  else expect(result.verdict).toBe('passed');
}

function run(load: LoadSection, mqttVersion: MqttVersion = '3.1.1') {
  return runLoadScenario(load, {
    endpoint: broker.endpoint,
    target: broker,
    profile: 'none',
    mqttVersion,
    signal: new AbortController().signal,
    name: 'test',
  });
}

describe('load engine against Mosquitto', () => {
  it('records latency from the intended time, service time from the actual send, and send lateness', async () => {
    const result = await run(
      {
        executor: 'constant-arrival-rate',
        warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
        rate: 500,
        duration: '1s',
        publishers: { count: 4, topic: '{prefix}/s/%i', qos: 1, size: 64 },
        subscribers: { count: 4, topic: '{prefix}/s/%i', qos: 1 },
      },
      '5.0',
    );
    const latency = result.latency;
    const service = result.serviceTime?.percentiles;
    const lateness = result.sendLateness?.percentiles;
    expect(result.received).toBe(result.sent);
    expect(service?.count).toBe(latency.count);
    expect(lateness?.count).toBe(result.sent);
    // Per message, service = latency − lateness with lateness ≥ 0: every order statistic of the
    // service times is at most the same order statistic of the latencies.
    for (const key of ['min', 'p50', 'p90', 'p99', 'p999', 'max'] as const)
      expect(service?.[key], key).toBeLessThanOrEqual(latency[key]);
    expect(lateness?.min).toBeGreaterThanOrEqual(0);
    expect(result.generator.timer).toBe(timerStatus().auto);
    expect(result.generator.cpuPerMessageUs).toBeGreaterThan(0);
    // Linux schedstat: the load worker's and the process's run-queue wait over the schedule.
    if (existsSync('/proc/thread-self/schedstat')) {
      expect(result.generator.runQueueWaitMs?.workers).toBeGreaterThanOrEqual(0);
      expect(result.generator.runQueueWaitMs?.process).toBeGreaterThanOrEqual(0);
    }
    expect(result.generator.sendLatenessP99Ms).toBe(Math.round(lateness!.p99 / 10) / 100);
  });

  it('QoS 1 pairs at a constant rate: nothing lost, counts exact', async () => {
    const result = await run({
      executor: 'constant-arrival-rate',
      warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
      rate: 400,
      duration: '1s',
      workers: 0,
      publishers: { count: 4, topic: '{prefix}/t/%i', qos: 1, size: 64 },
      subscribers: { count: 4, topic: '{prefix}/t/%i', qos: 1 },
      thresholds: ['lost == 0', 'duplicated == 0'],
    });
    expect(result.errorMessages).toBeUndefined();
    expect(result.intended).toBe(400);
    expect(result.sent + result.dropped).toBe(400);
    expect(result.dropped).toBe(0);
    expect(result.received).toBe(400);
    expect(result.delivery).toEqual([
      { qos: 1, expected: 400, received: 400, lost: 0, duplicated: 0, outOfOrder: 0, ok: true },
    ]);
    expect(result.latency.count).toBe(400);
    expect(result.ackLatency?.percentiles.count).toBe(400);
    expect(result.connectLatency?.percentiles.count).toBe(8);
    expect(result.thresholds.every((threshold) => threshold.ok)).toBe(true);
    // Nothing lost: never failed. On a busy machine the generator may miss its schedule, which the
    // verdict then says (inconclusive, with the reason) instead of passing.
    expectNotFailed(result);
    expect(result.broker?.rssMaxBytes).toBeGreaterThan(0);
    // Whole-second intervals, then the last one, closed early when the run ended.
    const intervals = result.intervals;
    expect(intervals.length).toBeGreaterThanOrEqual(2);
    for (const interval of intervals.slice(0, -1)) expect(interval.durationMs).toBe(1000);
    expect(intervals.at(-1)!.durationMs).toBeGreaterThan(0);
    expect(intervals.at(-1)!.durationMs).toBeLessThanOrEqual(1000); // 1000 only if it ended on a boundary
    expect(intervals.reduce((sum, interval) => sum + interval.received, 0)).toBe(400);
  });

  it('per-client-iterations: exactly `iterations` per publisher, QoS 2 exactly once', async () => {
    const result = await run(
      {
        executor: 'per-client-iterations',
        iterations: 40,
        window: 4,
        workers: 0,
        publishers: {
          count: 3,
          topic: '{prefix}/it/%i',
          qos: 2,
          size: { values: [24, 200], weights: [3, 1] },
        },
        subscribers: { count: 1, topic: '{prefix}/it/#', qos: 2 },
      },
      '5.0',
    );
    expect(result.intended).toBe(120);
    expect(result.sent).toBe(120);
    expect(result.delivery).toEqual([
      { qos: 2, expected: 120, received: 120, lost: 0, duplicated: 0, outOfOrder: 0, ok: true },
    ]);
    expect(result.ackLatency?.percentiles.count).toBe(120);
  });

  it('closed loop in worker threads, QoS 1 fan-out to a $share group and plain subscribers', async () => {
    const result = await run(
      {
        executor: 'closed-loop',
        warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
        duration: '1s',
        window: 20,
        workers: 2,
        publishers: { count: 2, topic: '{prefix}/cl', qos: 1, size: 32 },
        subscribers: [
          { count: 2, topic: '{prefix}/cl', qos: 1 },
          { count: 2, topic: '{prefix}/#', qos: 1, share: 'grp' },
        ],
        thresholds: ['lost == 0'],
      },
      '5.0',
    );
    expect(result.generator.workers).toBe(2);
    expect(result.sent).toBeGreaterThan(0);
    // Two plain subscribers and one share group: three deliveries per message.
    expect(result.delivery).toEqual([
      {
        qos: 1,
        expected: result.sent * 3,
        received: result.sent * 3,
        lost: 0,
        duplicated: 0,
        outOfOrder: 0,
        ok: true,
      },
    ]);
    expectNotFailed(result);
  });

  it('connection-storm: connects, holds and disconnects every client', async () => {
    const result = await run({
      executor: 'connection-storm',
      connections: 30,
      connectRate: 200,
      hold: 200,
      workers: 0,
      thresholds: ['errors == 0'],
    });
    expect(result.connections).toEqual({ attempted: 30, connected: 30, failed: 0, peak: expect.any(Number) });
    expect(result.connections?.peak).toBeGreaterThan(0);
    expect(result.connectLatency?.percentiles.count).toBe(30);
    expectNotFailed(result);
  });

  it('connection-storm with a keep alive: idle connections send PINGREQ and outlive 1.5 intervals', async () => {
    // Mosquitto closes a connection silent for 1.5 × keep alive (1.5 s here; it checks every few
    // seconds, so without pings all 10 were closed within 6 s): held 6 s, they stay only if they ping.
    const result = await run({
      executor: 'connection-storm',
      connections: 10,
      connectRate: 0,
      hold: 6000,
      keepAlive: 1,
      workers: 0,
      thresholds: ['errors == 0'],
    });
    expect(result.connections).toMatchObject({ attempted: 10, connected: 10, failed: 0 });
    expect(result.errors).toBe(0);
    expect(result.errorMessages ?? []).toEqual([]);
  });

  it('a failed threshold fails the verdict', async () => {
    const result = await run({
      executor: 'constant-arrival-rate',
      warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
      rate: 50,
      duration: 400,
      workers: 0,
      publishers: { count: 1, topic: '{prefix}/th', qos: 0, size: 20 },
      subscribers: { count: 1, topic: '{prefix}/th', qos: 0 },
      thresholds: ['received > 1000000', 'sent == 20'],
    });
    expect(result.thresholds).toEqual([
      { expression: 'received > 1000000', actual: result.received, ok: false, unit: '', timing: false },
      { expression: 'sent == 20', actual: 20, ok: true, unit: '', timing: false },
    ]);
    expect(result.verdict).toBe('failed');
    expect(result.reason).toContain('received > 1000000');
  });

  it('an aborted run stops early, keeps what it measured and says why', async () => {
    const controller = new AbortController();
    const running = runLoadScenario(
      {
        executor: 'constant-arrival-rate',
        warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
        rate: 100,
        duration: '30s',
        workers: 0,
        publishers: { count: 1, topic: '{prefix}/ab', qos: 1, size: 20 },
        subscribers: { count: 1, topic: '{prefix}/ab', qos: 1 },
      },
      {
        endpoint: broker.endpoint,
        target: broker,
        profile: 'none',
        mqttVersion: '3.1.1',
        signal: controller.signal,
        name: 'abort',
        onProgress: () => controller.abort(),
      },
    );
    const result = await running;
    expect(result.verdict).toBe('failed');
    expect(result.reason).toContain('interrupted');
    expect(result.intended).toBeLessThan(3000);
    expect(result.sent).toBeGreaterThan(0);
  });
});
