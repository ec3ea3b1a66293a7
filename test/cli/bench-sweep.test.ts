// `harness bench sweep`: the exit code follows the sweeps like it follows loads. A run of sweeps only
// exits 1 when a sweep is inconclusive (unless --inconclusive warn), and the console says why. Aedes
// 1.x has no MQTT 5: a 5.0 sweep against it cannot run on any machine, so these are deterministic.
// Real CLI, real Aedes process.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeForResult } from '../../harness/cli/commands/run.js';
import type { RunResult } from '../../harness/result/model.js';
import type { SweepResult } from '../../harness/result/sweep.js';
import { project, runCli } from './helpers.js';

const SWEEP = ['bench', 'sweep', 'pairs', '-t', 'aedes', '--rates', '50', '--step-duration', '1s'];

describe('harness bench sweep: exit code', () => {
  it('exits 1 when every cell is inconclusive, and says why on the console and in the JSON', async () => {
    const dir = await project({});
    const run = await runCli([...SWEEP, '--json', 'a.json'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^INCONCLUSIVE: 1 rate sweep, 1 inconclusive/m);
    expect(run.stdout).toContain("target 'aedes' does not speak MQTT 5.0 (Aedes 1.x has no MQTT 5)");
    const result = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')) as RunResult;
    expect(result.sweeps?.map((sweep) => [sweep.target, sweep.verdict])).toEqual([['aedes', 'inconclusive']]);
    expect(result.sweeps?.[0]?.maxSustainableRate.values).toEqual([0]);
  }, 60_000);

  it('exits 0 on the same run with --inconclusive warn', async () => {
    const run = await runCli([...SWEEP, '--inconclusive', 'warn'], await project({}));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^INCONCLUSIVE: 1 rate sweep, 1 inconclusive/m);
  }, 60_000);

  it('maps sweeps to the exit code like loads: inconclusive fails unless warned, passed passes', () => {
    const sweep = (verdict: SweepResult['verdict']) => ({ verdict }) as SweepResult;
    const result = (sweeps: SweepResult[]): RunResult =>
      ({
        loads: [],
        sweeps,
        summary: { total: 0, passed: 0, failed: 0, skipped: 0, warnings: 0, deviations: 0, loadsFailed: 0 },
      }) as unknown as RunResult;
    expect(exitCodeForResult(result([sweep('passed')]))).toBe(0);
    expect(exitCodeForResult(result([sweep('passed'), sweep('inconclusive')]))).toBe(1);
    expect(exitCodeForResult(result([sweep('inconclusive')]), 'warn')).toBe(0);
  });
});
