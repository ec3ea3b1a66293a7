// A load whose clients could not connect measured nothing: it is failed with the reason, never
// PASSED. Regression: `harness bench pairs -t aedes --mqtt 5.0` (Aedes speaks MQTT 3.1.1 only and
// answers a 5.0 CONNECT with a 3.1.1 refusal) printed PASSED with every connection failed, exit 0.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeLoad } from '../../harness/load/verdict.js';
import type { LoadResult, RunResult } from '../../harness/result/index.js';
import { project, runCli } from '../cli/helpers.js';

/** A load that ran, sent nothing and whose clients all failed to connect. */
function refusedLoad(executor = 'constant-arrival-rate'): LoadResult {
  return {
    executor,
    intended: 0,
    sent: 0,
    dropped: 0,
    received: 0,
    errors: 4,
    latency: { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
    delivery: [{ qos: 0, expected: 0, received: 0, lost: 0, duplicated: 0, outOfOrder: 0, ok: true }],
    generator: { saturated: false, eventLoopLagP99Ms: 0, scheduleOverrunMs: 0, cpuPercent: 1, workers: 0 },
    connections: { attempted: 4, connected: 0, failed: 4, peak: 0 },
    errorMessages: ['decode: reason code 0x1 is not valid in connack [MQTT-3.2.2-8]'],
    thresholds: [],
    verdict: 'passed',
  } as unknown as LoadResult;
}

describe('failed connections', () => {
  it('fail the load with the count and the first error', () => {
    const load = judgeLoad(refusedLoad());
    expect(load.verdict).toBe('failed');
    expect(load.reason).toBe(
      'connections failed: 4 of 4 (first error: decode: reason code 0x1 is not valid in connack [MQTT-3.2.2-8])',
    );
  });

  it('in a storm the kernel turned connections away from, are inconclusive, never passed', () => {
    const storm = refusedLoad('connection-storm');
    storm.kernel = { listenOverflows: 12, listenDrops: 12, synRetransmits: 30, retransmittedSegments: 30 };
    const load = judgeLoad(storm);
    expect(load.verdict).toBe('inconclusive');
    expect(load.inconclusive).toEqual([
      expect.stringMatching(/^kernel turned connections away/),
      expect.stringMatching(/^connections failed: 4 of 4/),
    ]);
  });

  it('harness bench against a broker that refuses the MQTT version: FAILED with the reason, exit 1', async () => {
    const dir = await project({});
    const flags = ['--rate', '50', '--duration', '500ms', '--publishers', '1', '--workers', '0'];
    const run = await runCli(
      [
        'bench',
        'pairs',
        '-t',
        'aedes',
        '--mqtt',
        '5.0',
        ...flags,
        '--inconclusive',
        'warn',
        '--json',
        'r.json',
      ],
      dir,
    );
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).not.toMatch(/PASSED/);
    expect(run.stdout).toMatch(/bench-pairs on aedes \(MQTT 5\.0.*\): FAILED/);
    expect(run.stdout).toMatch(/connections failed: 2 of 2 \(first error: /);
    const result = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as RunResult;
    expect(result.loads).toHaveLength(1);
    expect(result.loads[0]).toMatchObject({
      verdict: 'failed',
      sent: 0,
      connections: { attempted: 2, connected: 0, failed: 2 },
    });
    expect(result.loads[0]?.reason).toMatch(/^connections failed: 2 of 2 \(first error: /);
    expect(result.summary.loadsFailed).toBe(1);
  }, 60_000);
});
