// The model checked against the reference broker: a seeded exploration finds no disagreement (a
// disagreement is a bug in the model or in the broker, and the failure names the rule and shows the
// shrunk scenario). With a mutant switched on, explore finds it, and the scenario it writes validates
// and fails when `harness run` replays it on that mutant. The target profiles (an ACL, Maximum QoS 1)
// agree with the model as well.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenarios } from '../../harness/api.js';
import { PROFILES, exploreOutcome, runExplore } from '../../harness/explore/index.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'explore-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function explain(report: Awaited<ReturnType<typeof runExplore>>): string {
  const d = report.finding?.disagreement;
  return d === undefined
    ? ''
    : `rule ${d.rule} [${d.statements.join(', ')}]: ${d.message}\n${report.scenario?.yaml ?? ''}`;
}

describe('explore against the reference broker', () => {
  for (const version of ['3.1.1', '5.0'] as const) {
    it(`agrees with the model (MQTT ${version}, seed 7, 40 sessions)`, async () => {
      const report = await runExplore({
        target: 'reference',
        version,
        seed: 7,
        budgetMs: 120_000,
        maxSessions: 40,
        graceMs: 1500,
        shrinkBudgetMs: 20_000,
        outDir: dir,
        cwd: process.cwd(),
      });
      expect(report.sessions).toBeGreaterThan(0);
      expect(explain(report)).toBe('');
    }, 240_000);
  }

  for (const [name, version] of [
    ['acl', '3.1.1'],
    ['maximum-qos-1', '5.0'],
  ] as const) {
    it(`agrees with the model with the ${name} profile (MQTT ${version}, seed 7, 20 sessions)`, async () => {
      const report = await runExplore({
        target: 'reference',
        version,
        seed: 7,
        budgetMs: 120_000,
        maxSessions: 20,
        graceMs: 1500,
        shrinkBudgetMs: 20_000,
        outDir: dir,
        cwd: process.cwd(),
        profile: PROFILES[name],
      });
      expect(report.sessions).toBeGreaterThan(0);
      expect(explain(report)).toBe('');
    }, 240_000);
  }

  it('finds a mutant, and the scenario it writes validates and fails on replay', async () => {
    const report = await runExplore({
      target: { kind: 'reference', options: { mutations: ['session-present-always-false'] } },
      version: '3.1.1',
      seed: 1,
      budgetMs: 60_000,
      shrinkBudgetMs: 20_000,
      outDir: dir,
      cwd: process.cwd(),
    });
    expect(report.finding?.disagreement.rule).toBe('session-present');
    expect(report.finding?.disagreement.statements).toContain('MQTT-3.2.2-2');
    const file = report.scenario?.file ?? '';
    expect(await validateScenarios([file], process.cwd())).toEqual([]);
    expect(report.replay?.verdict).toBe('failed');
    expect(report.replay?.runs).toBe(1);
    expect(exploreOutcome(report)).toBe('found');
    expect(report.scenario?.yaml).toContain('seed 1');
  }, 180_000);
});
