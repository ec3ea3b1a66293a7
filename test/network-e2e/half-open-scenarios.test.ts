// The scenarios in scenarios/network name their own profile (a half-open link, a short stall). They
// pass against the reference broker and Mosquitto, and fail against a broker that breaks the rule
// (no keep-alive timeout) or when the stall is made longer than 1.5 x keep-alive.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';
import type { RunResult } from '../../harness/result/model.js';
import { project, REPO } from './helpers.js';

const verdicts = (result: RunResult): string[] =>
  result.scenarios.map((s) => `${s.name} ${s.target} ${s.mqttVersion} ${s.verdict}`).sort();

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('network scenarios with their own profile', () => {
  it('pass against the reference broker and Mosquitto', async () => {
    // Every instance starts at once (workers ≥ instances): the profiles' schedules count from when
    // the runner applied them.
    const result = await runHarness({
      paths: ['scenarios/network'],
      targets: ['reference', 'mosquitto'],
      workers: 8,
      cwd: REPO,
    });
    const failures = result.scenarios.filter((s) => s.verdict !== 'passed');
    expect(failures.map((s) => `${s.id}: ${s.reason ?? ''}`)).toEqual([]);
    expect(verdicts(result)).toEqual(
      ['keepalive-stall-keeps-session', 'will-half-open']
        .flatMap((name) => ['mosquitto', 'reference'].map((t) => `${name} ${t}`))
        .flatMap((prefix) => [`${prefix} 3.1.1 passed`, `${prefix} 5.0 passed`])
        .sort(),
    );
    expect(result.scenarios.find((s) => s.name === 'will-half-open')?.profile).toBe(
      'scenarios/network/profiles/will-half-open.yaml',
    );
  }, 60_000);

  it('will-half-open fails against a broker that never times out a silent client', async () => {
    const result = await runHarness({
      paths: ['scenarios/network/will-half-open.yaml'],
      targets: [{ kind: 'reference', options: { mutations: ['no-keepalive-timeout'] } }],
      workers: 4,
      cwd: REPO,
    });
    expect(result.scenarios).toHaveLength(2);
    for (const s of result.scenarios) {
      expect(s.verdict).toBe('failed');
      // The will never comes: the last step, the expect for it, fails.
      expect(s.failure?.stepKind).toBe('expect');
      expect(s.failure?.message).toMatch(/nothing matching arrived/);
    }
  }, 60_000);

  it('keepalive-stall-keeps-session fails when the stall outlasts 1.5 x keep-alive', async () => {
    const scenario = await readFile(
      join(REPO, 'scenarios/network/keepalive-stall-keeps-session.yaml'),
      'utf8',
    );
    const dir = await project({
      // profile: is relative to the scenario file: scenarios/profiles/long-stall.yaml.
      'scenarios/stall.yaml': scenario.replace(
        'profile: profiles/keepalive-stall.yaml',
        'profile: profiles/long-stall.yaml',
      ),
      // 4 s of silence: more than 1.5 x 2 s.
      'scenarios/profiles/long-stall.yaml':
        'name: long-stall\ntoxics:\n  - type: stall\n    schedule: { from: 2500, until: 6500 }\n',
    });
    dirs.push(dir);
    const result = await runHarness({
      paths: ['scenarios'],
      targets: ['reference'],
      mqtt: '3.1.1',
      workers: 4,
      cwd: dir,
    });
    expect(result.scenarios).toHaveLength(1);
    expect(result.scenarios[0]?.verdict).toBe('failed');
  }, 60_000);
});
