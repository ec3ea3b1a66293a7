// Thresholds scoped to a target and/or profile (`{ threshold, target, profile }`): a run is judged
// only on those that apply to it, the result names each one's scope, merges keep it, and a scope that
// names an unknown target or profile is a validation error at its file:line:column.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';
import { runLoadScenario, type LoadSection } from '../../harness/load/index.js';
import { formatIssue, ScenarioValidationError } from '../../harness/errors.js';
import {
  parseThresholds,
  reevaluateThresholds,
  scopeApplies,
  sectionForRun,
  type ThresholdEntry,
} from '../../harness/load/thresholds.js';
import type { LoadResult } from '../../harness/result/index.js';
import { checkScenarios, parseScenario } from '../../harness/scenario/index.js';
import { startTarget } from '../../harness/targets/index.js';

const ENTRIES: ThresholdEntry[] = [
  'lost == 0',
  { threshold: 'p99 < 50ms', profile: 'lan' },
  { threshold: 'p99 < 1500ms', profile: '3g' },
  { threshold: 'ack.p99 < 20ms', target: 'mosquitto', profile: 'none' },
];

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'threshold-scopes-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe('threshold scopes', () => {
  it('parses entries with their scope', () => {
    const { thresholds, errors } = parseThresholds([...ENTRIES, { threshold: 'p99 <', profile: 'lan' }]);
    expect(errors).toEqual([expect.stringMatching(/^'p99 <': expected/)]);
    expect(thresholds.map(({ expression, target, profile }) => ({ expression, target, profile }))).toEqual([
      { expression: 'lost == 0', target: undefined, profile: undefined },
      { expression: 'p99 < 50ms', target: undefined, profile: 'lan' },
      { expression: 'p99 < 1500ms', target: undefined, profile: '3g' },
      { expression: 'ack.p99 < 20ms', target: 'mosquitto', profile: 'none' },
    ]);
  });

  it.each([
    [{ target: 'mosquitto', profile: 'none' }, ['lost == 0', { threshold: 'ack.p99 < 20ms' }]],
    [{ target: 'reference', profile: 'lan' }, ['lost == 0', { threshold: 'p99 < 50ms' }]],
    // Matched by kind: a configured Mosquitto target under 3g.
    [{ target: 'mosq-b', kind: 'mosquitto', profile: '3g' }, ['lost == 0', { threshold: 'p99 < 1500ms' }]],
    [{ target: 'aedes', profile: 'wifi' }, ['lost == 0']],
  ])('a run %o is given only the thresholds that apply', (run, expected) => {
    const section = sectionForRun({ executor: 'closed-loop', thresholds: ENTRIES }, run);
    const expressions = section.thresholds?.map((entry) =>
      typeof entry === 'string' ? entry : entry.threshold,
    );
    expect(expressions).toEqual(
      expected.map((entry) => (typeof entry === 'string' ? entry : entry.threshold)),
    );
  });

  it('matches a profile file by its name', () => {
    expect(
      scopeApplies({ profile: 'lossy' }, { target: 'x', profile: 'scenarios/profiles/lossy.yaml' }),
    ).toBe(true);
    expect(scopeApplies({ profile: 'profiles/lossy.yml' }, { target: 'x', profile: 'lossy' })).toBe(true);
    expect(scopeApplies({ profile: 'lossy' }, { target: 'x', profile: 'lossy-5' })).toBe(false);
  });

  it('judges merged figures again on the same thresholds, scopes included', () => {
    const load = {
      sent: 10,
      thresholds: [
        { expression: 'sent == 10', actual: 10, ok: true, profile: 'lan' },
        { expression: 'sent > 20', actual: 10, ok: false, target: 'reference', profile: 'lan' },
      ],
    } as unknown as LoadResult;
    const merged = { ...load, sent: 30 } as LoadResult;
    expect(reevaluateThresholds(merged, [load, load])).toEqual([
      expect.objectContaining({ expression: 'sent == 10', ok: false, actual: 30, profile: 'lan' }),
      expect.objectContaining({ expression: 'sent > 20', ok: true, target: 'reference', profile: 'lan' }),
    ]);
    expect(reevaluateThresholds(merged, [load])[0]).not.toHaveProperty('target');
  });
});

const scoped = (thresholds: string): string => `name: scoped
mqtt: '3.1.1'
load:
  executor: per-client-iterations
  iterations: 20
  window: 5
  duration: 30s
  workers: 0
  publishers: { count: 2, topic: '{prefix}/s/%i', qos: 1, size: 64 }
  subscribers: { count: 1, topic: '{prefix}/s/+', qos: 1 }
  thresholds:
${thresholds}`;

describe('threshold scope validation', () => {
  it('reports an unknown target or profile at its file:line:column', async () => {
    const dir = await project({
      'scenarios/s.yaml': scoped(
        [
          "    - 'lost == 0'",
          "    - { threshold: 'p99 < 50ms', target: mosquito }",
          "    - { threshold: 'p99 < 1s', profile: '5g' }",
          '    - threshold: sent == 40',
          '      target: reference',
          '      profile: lan',
          '',
        ].join('\n'),
      ),
    });
    const { issues } = await checkScenarios(['scenarios'], { cwd: dir });
    expect(issues.map(formatIssue)).toEqual([
      expect.stringMatching(
        /^scenarios\/s\.yaml:13:34: load\.thresholds\[1\]\.target: unknown target 'mosquito' \(kinds: .*mosquitto.*; or a URL\)$/,
      ),
      expect.stringMatching(
        /^scenarios\/s\.yaml:14:32: load\.thresholds\[2\]\.profile: network profile '5g' not found .*; or 'none'$/,
      ),
    ]);
  });

  it('accepts kinds, configured targets, URLs, none, built-ins and profile files beside the scenario', async () => {
    const dir = await project({
      'scenarios/profiles/slow.yaml':
        'name: slow\ntoxics:\n  - { type: latency, attributes: { latency: 5 } }\n',
      'scenarios/s.yaml': scoped(
        [
          '    - { threshold: lost == 0, target: aedes, profile: none }',
          '    - { threshold: lost == 0, target: edge-broker, profile: 3g }',
          "    - { threshold: lost == 0, target: 'mqtt://10.0.0.2:1883', profile: slow }",
          '',
        ].join('\n'),
      ),
    });
    const without = await checkScenarios(['scenarios'], { cwd: dir });
    expect(without.issues.map(formatIssue)).toEqual([
      expect.stringMatching(
        /^scenarios\/s\.yaml:13:\d+: load\.thresholds\[1\]\.target: unknown target 'edge-broker'/,
      ),
    ]);
    const configured = await checkScenarios(['scenarios'], { cwd: dir, targets: ['edge-broker'] });
    expect(configured.issues.map(formatIssue)).toEqual([]);
    expect(configured.scenarios).toHaveLength(1);
  });

  it('stops a run before anything starts', async () => {
    const dir = await project({
      'scenarios/s.yaml': scoped("    - { threshold: 'lost == 0', target: nosuch }\n"),
    });
    const error = await runHarness({ paths: ['scenarios'], targets: ['reference'], cwd: dir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioValidationError);
    expect(String((error as Error).message)).toMatch(
      /s\.yaml:12:\d+: load\.thresholds\[0\]\.target: unknown target 'nosuch'/,
    );
  });
});

describe('threshold scope validation of scenarios built in memory', () => {
  it('stops the run with every unknown name', async () => {
    const text = scoped(
      "    - { threshold: 'lost == 0', target: nosuch }\n    - { threshold: 'lost == 0', profile: 5g }\n",
    );
    const { scenario } = parseScenario(text, 'memory.yaml');
    expect(scenario).toBeDefined();
    const error = await runHarness({ scenarios: [scenario!], targets: ['reference'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'HARNESS_SCENARIO_INVALID' });
    expect(String((error as Error).message)).toMatch(/thresholds\[0\]\.target: unknown target 'nosuch'/);
    expect(String((error as Error).message)).toMatch(
      /thresholds\[1\]\.profile: network profile '5g' not found/,
    );
  });
});

describe('scoped thresholds in a run (reference broker, loopback, profiles none and lan)', () => {
  it('judges each run on the thresholds whose scope applies, and names their scope', async () => {
    const dir = await project({
      'scenarios/s.yaml': scoped(
        [
          "    - 'sent == 40'",
          "    - { threshold: 'received == 40', profile: none }",
          // Would fail wherever it applied: it must not apply to a reference target.
          "    - { threshold: 'lost == 1', target: mosquitto }",
          // Applies under lan only, and fails there (a count: whatever the machine's speed).
          "    - { threshold: 'received == 0', target: reference, profile: lan }",
          '',
        ].join('\n'),
      ),
    });
    const result = await runHarness({
      paths: ['scenarios'],
      targets: ['reference'],
      profiles: ['none', 'lan'],
      cwd: dir,
    });
    const byProfile = (profile: string): LoadResult => {
      const load = result.loads.find((candidate) => candidate.profile === profile);
      if (load === undefined) throw new Error(`no load under ${profile}`);
      return load;
    };
    const none = byProfile('none');
    expect(none.thresholds).toEqual([
      expect.objectContaining({ expression: 'sent == 40', ok: true }),
      expect.objectContaining({ expression: 'received == 40', ok: true, profile: 'none' }),
    ]);
    expect(none.thresholds[0]).not.toHaveProperty('profile');
    // Nothing that applied failed; a busy machine may only make the figures untrusted.
    expect(none.verdict, none.reason).not.toBe('failed');

    const lan = byProfile('lan');
    expect(lan.thresholds).toEqual([
      expect.objectContaining({ expression: 'sent == 40', ok: true }),
      expect.objectContaining({
        expression: 'received == 0',
        ok: false,
        actual: 40,
        target: 'reference',
        profile: 'lan',
      }),
    ]);
    expect(lan.verdict).toBe('failed');
    expect(lan.reason).toMatch(/threshold 'received == 0' not met \(actual 40\)/);
  });
});

describe('scoped thresholds through the programmatic API (runLoadScenario, reference broker)', () => {
  it('a direct call is judged only on the thresholds whose scope applies, like a run', async () => {
    const target = await startTarget({ kind: 'reference' }, { cwd: process.cwd() });
    try {
      const section: LoadSection = {
        executor: 'per-client-iterations',
        iterations: 10,
        window: 5,
        duration: '30s',
        workers: 0,
        publishers: { count: 2, topic: '{prefix}/d/%i', qos: 1, size: 64 },
        subscribers: { count: 1, topic: '{prefix}/d/+', qos: 1 },
        thresholds: [
          'sent == 20',
          // Each would fail wherever it applied (counts: whatever the machine's speed).
          { threshold: 'lost == 1', target: 'mosquitto' },
          { threshold: 'received == 0', profile: 'lan' },
          { threshold: 'sent == 0', target: 'reference', profile: '3g' },
          { threshold: 'received == 20', target: 'reference', profile: 'none' },
        ],
      };
      const result = await runLoadScenario(section, {
        endpoint: target.endpoint,
        target,
        profile: 'none',
        mqttVersion: '3.1.1',
        signal: AbortSignal.timeout(60_000),
        name: 'direct',
      });
      expect(result.thresholds).toEqual([
        expect.objectContaining({ expression: 'sent == 20', ok: true }),
        expect.objectContaining({
          expression: 'received == 20',
          ok: true,
          target: 'reference',
          profile: 'none',
        }),
      ]);
      expect(result.verdict, result.reason).not.toBe('failed');
    } finally {
      await target.stop();
    }
  }, 60_000);
});
