// The native reference generator of bench:accuracy builds with the machine's C compiler, runs against
// Mosquitto, and reports what it did in the JSON the bench reads.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRefgen, runRefgen } from '../../bench/lib/refgen.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { startMosquitto } from './mosquitto.js';

let broker: StartedTarget;
const dir = mkdtempSync(join(tmpdir(), 'refgen-'));

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('native reference generator', () => {
  it.each([
    [0, 4],
    [1, 5],
  ] as const)('QoS %d, MQTT %d: builds, runs, and its report adds up', async (qos, mqtt) => {
    const binary = await buildRefgen(join(dir, `refgen-${qos}`));
    const report = await runRefgen(binary, {
      port: broker.endpoint.port,
      rate: 400,
      qos,
      pairs: 2,
      durationMs: 500,
      mqtt,
    });
    expect(report).toMatchObject({ generator: 'refgen', rate: 400, qos, pairs: 2, mqtt, intended: 200 });
    expect(report.sent + report.dropped).toBe(200);
    expect(report.received).toBe(report.sent); // loopback, one subscriber per topic: nothing lost
    expect(report.latencyUs.count).toBe(report.received);
    expect(report.serviceUs.count).toBe(report.received);
    expect(report.latenessUs.count).toBe(report.sent);
    expect(report.serviceUs.max).toBeLessThanOrEqual(report.latencyUs.max);
    expect(report.latenessUs.p50).toBeGreaterThanOrEqual(0);
    expect(report.cpuUserMs + report.cpuSystemMs).toBeGreaterThan(0);
    expect(report.warmup).toEqual({ intended: 0, sent: 0, dropped: 0, received: 0 });
    // Its thread's run-queue wait over the schedule, where Linux shows it.
    if (existsSync('/proc/thread-self/schedstat')) expect(report.runQueueWaitMs).toBeGreaterThanOrEqual(0);
    else expect(report.runQueueWaitMs).toBeUndefined();
  });

  it('--warmup-ms: the warm-up is sent and received but counted apart, as the harness does', async () => {
    const binary = await buildRefgen(join(dir, 'refgen-warmup'));
    const report = await runRefgen(binary, {
      port: broker.endpoint.port,
      rate: 400,
      qos: 1,
      pairs: 2,
      durationMs: 500,
      warmupMs: 250,
    });
    expect(report.intended).toBe(200);
    expect(report.sent + report.dropped).toBe(200);
    expect(report.warmup?.intended).toBe(100);
    expect(report.warmup!.sent + report.warmup!.dropped).toBe(100);
    expect(report.warmup?.received).toBe(report.warmup?.sent);
    expect(report.received).toBe(report.sent);
    expect(report.latencyUs.count).toBe(report.received);
    expect(report.latenessUs.count).toBe(report.sent);
  });
});
