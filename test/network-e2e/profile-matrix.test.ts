// `harness run --profile wifi --profile 3g --target reference --target mosquitto` (the real CLI in a
// child process) runs every conformance and load scenario under every target × profile, and
// results.json records each profile with what the harness measured through it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/model.js';
import { cli, project, readResults } from './helpers.js';

const CONFORMANCE = `name: net-matrix-publish
mqtt: '3.1.1'
steps:
  - connect: { client: s }
  - subscribe: { client: s, filter: '\${prefix}t', qos: 1 }
  - connect: { client: p }
  - publish: { client: p, topic: '\${prefix}t', payload: hello, qos: 1 }
  - expect: { client: s, packet: { type: publish, topic: '\${prefix}t', payload: hello } }
  - ping: { client: s }
`;

const LOAD = `name: net-matrix-load
mqtt: '3.1.1'
load:
  executor: per-client-iterations
  iterations: 20
  window: 5
  duration: 30s
  workers: 0
  publishers: { count: 2, topic: '{prefix}/m/%i', qos: 1, size: 64 }
  subscribers: { count: 1, topic: '{prefix}/m/+', qos: 1 }
  thresholds: ['lost == 0']
`;

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('profile matrix through the CLI', () => {
  it('runs target × profile for conformance and load scenarios and records measured effects', async () => {
    const dir = await project({ 'scenarios/publish.yaml': CONFORMANCE, 'scenarios/load.yaml': LOAD });
    dirs.push(dir);
    const run = await cli(
      [
        'run',
        'scenarios',
        '--profile',
        'wifi',
        '--profile',
        '3g',
        '--target',
        'reference',
        '--target',
        'mosquitto',
        '--reporter',
        'json',
        '--output-dir',
        'out',
      ],
      dir,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result: RunResult = await readResults(join(dir, 'out'));

    const cells = (items: readonly { target: string; profile: string }[]): string[] =>
      items.map((i) => `${i.target}/${i.profile}`).sort();
    const matrix = ['mosquitto/3g', 'mosquitto/wifi', 'reference/3g', 'reference/wifi'];
    expect(cells(result.scenarios)).toEqual(matrix);
    expect(result.scenarios.every((s) => s.verdict === 'passed')).toBe(true);
    expect(cells(result.loads)).toEqual(matrix);
    for (const load of result.loads) {
      expect(load.verdict, load.reason).toBe('passed');
      expect(load.delivery.find((d) => d.qos === 1)).toMatchObject({ expected: 40, lost: 0 });
    }

    expect(result.profiles.map((p) => p.name).sort()).toEqual(['3g', 'wifi']);
    const measured = (name: string) => result.profiles.find((p) => p.name === name)?.measured;
    for (const name of ['wifi', '3g']) {
      const m = measured(name);
      expect(m?.rttSamples, name).toBeGreaterThan(0);
      expect(m?.rttMs?.p50, name).toBeGreaterThan(0);
      expect(m?.throughputBytesPerSec, name).toBeGreaterThan(0);
    }
    // 3g adds 100 ms each way, wifi 5 ms: the observed round trips must show it.
    expect(measured('3g')!.rttMs!.p50).toBeGreaterThan(measured('wifi')!.rttMs!.p99);
    expect(measured('3g')!.rttMs!.p50).toBeGreaterThanOrEqual(100);
    // Each target's own measurement through each profile.
    for (const profile of result.profiles) {
      expect(profile.byTarget?.map((t) => t.target).sort(), profile.name).toEqual(['mosquitto', 'reference']);
      for (const { target, measured: m } of profile.byTarget ?? []) {
        expect(m.rttSamples, `${profile.name} → ${target}`).toBeGreaterThan(0);
        if (profile.name === '3g') expect(m.rttMs?.p50, target).toBeGreaterThanOrEqual(100);
      }
    }
  }, 120_000);
});
