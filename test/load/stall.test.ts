// A broker that stops for a second in the middle of an open-loop run: latency measured from the
// intended send time must show the stall, and what could not be sent on time must be counted.
// Every bound is the stall's physics (a stopped broker answers nothing for at least the stall), not
// the machine's speed; a generator that a busy machine made late only makes the verdict inconclusive.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runLoadScenario } from '../../harness/load/index.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { startMosquitto } from './mosquitto.js';

let broker: StartedTarget;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

it('SIGSTOP of the broker for 1 s shows in p99 and in dropped sends', async () => {
  const pid = broker.pid!;
  const stallMs = 1000;
  let stoppedAt = 0;
  let resumed: Promise<void> | undefined;
  const result = await runLoadScenario(
    {
      executor: 'constant-arrival-rate',
      warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
      rate: 200,
      duration: '3s',
      workers: 0,
      maxInflight: 20,
      publishers: { count: 1, topic: '{prefix}/stall', qos: 1, size: 32 },
      subscribers: { count: 1, topic: '{prefix}/stall', qos: 1 },
    },
    {
      endpoint: broker.endpoint,
      target: broker,
      profile: 'none',
      mqttVersion: '3.1.1',
      signal: new AbortController().signal,
      name: 'stall',
      onProgress: (progress) => {
        if (progress.elapsedMs !== 1000 || stoppedAt !== 0) return;
        process.kill(pid, 'SIGSTOP');
        stoppedAt = Date.now();
        resumed = new Promise((resolve) =>
          setTimeout(() => {
            process.kill(pid, 'SIGCONT');
            resolve();
          }, stallMs),
        );
      },
    },
  );
  await resumed;
  expect(stoppedAt).toBeGreaterThan(0);
  // Messages due while the broker was stopped waited for it: the worst of them ≈ the stall.
  // (Physics of the stall only: ≥ 90 % of it, whatever the machine's speed.)
  expect(result.latency.max).toBeGreaterThanOrEqual(stallMs * 0.9 * 1000);
  // ~200 messages fell due during the stall; only maxInflight (20) could be in flight.
  expect(result.dropped).toBeGreaterThan(0);
  expect(result.intended).toBe(600);
  expect(result.sent + result.dropped).toBe(600);
  // The 20 messages in flight when the broker stopped are ~5 % of those sent: p99 sits in the stall.
  expect(result.latency.p99).toBeGreaterThanOrEqual(stallMs * 0.5 * 1000);
  // The drops are the broker's doing, not excused: on a machine that let the generator keep its
  // schedule the load passes (no threshold, nothing lost). A busy machine may make the generator
  // itself late or saturated; the verdict is then inconclusive for that reason, never a pass.
  if (result.generator.saturated) expect(result.verdict).toBe('inconclusive');
  if (result.verdict === 'inconclusive') {
    expect(result.inconclusive?.length).toBeGreaterThan(0);
    for (const reason of result.inconclusive ?? [])
      expect(reason).toMatch(/^(schedule missed|generator saturated)/);
  } else expect(result.verdict, result.reason).toBe('passed');
  // QoS 1: what was sent is delivered, late but complete.
  expect(result.delivery[0]).toMatchObject({ qos: 1, lost: 0, expected: result.sent });
  // The interval in which the broker stopped carries the stall.
  expect(Math.max(...result.intervals.map((interval) => interval.latency.max))).toBeGreaterThanOrEqual(
    stallMs * 0.9 * 1000,
  );
});
