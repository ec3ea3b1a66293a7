// Coverage of the normative statements: the arithmetic, the excluded-file parser, the shipped
// excluded lists and the `harness coverage` command on small temp projects.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.js';
import {
  computeCoverage,
  computeVersionCoverage,
  parseExcluded,
  readExcluded,
} from '../../harness/coverage/index.js';
import { STATEMENTS } from '../../harness/spec/index.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-coverage-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(chunk.toString());
        callback();
      },
    });
  const code = await main(['coverage', ...argv], {
    stdout: sink(out),
    stderr: sink(err),
    isTTY: false,
    env: {},
    cwd,
    signal: new AbortController().signal,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function scenario(name: string, mqtt: string, statements: string[]): string {
  return [
    `name: ${name}`,
    `mqtt: '${mqtt}'`,
    `statements: [${statements.join(', ')}]`,
    'steps:',
    '  - connect: { client: a }',
    '',
  ].join('\n');
}

describe('computeVersionCoverage', () => {
  const ids = ['A-1', 'A-2', 'A-3', 'A-4'];

  it('counts testable, covered and uncovered ids in order', () => {
    const { coverage, problems } = computeVersionCoverage({
      version: '3.1.1',
      statementIds: ids,
      excluded: [{ id: 'A-4', reason: 'client only' }],
      scenarios: [
        { name: 's1', statements: ['A-3', 'A-1'] },
        { name: 's2', statements: ['A-1'] },
      ],
    });
    expect(problems).toEqual([]);
    expect(coverage).toEqual({
      statements: 4,
      testable: 3,
      covered: 2,
      uncovered: ['A-2'],
      excluded: [{ id: 'A-4', reason: 'client only' }],
    });
  });

  it('reports an excluded id that is covered or unknown', () => {
    const { coverage, problems } = computeVersionCoverage({
      version: '5.0',
      statementIds: ids,
      excluded: [
        { id: 'A-2', reason: 'x' },
        { id: 'B-9', reason: 'y' },
      ],
      scenarios: [{ name: 's1', statements: ['A-2'] }],
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/A-2 is excluded but covered by s1/);
    expect(problems[1]).toMatch(/B-9 is not a statement/);
    expect(coverage.testable).toBe(3);
    expect(coverage.covered).toBe(0);
  });
});

describe('parseExcluded', () => {
  it('reads a list of { id, reason } and flags bad entries and duplicates', () => {
    const text =
      '- { id: A-1, reason: one }\n- { id: A-1, reason: two }\n- { id: A-2 }\n- { id: A-3, reason: r, x: 1 }\n';
    const { entries, problems } = parseExcluded(text, 'f.yaml');
    expect(entries.map((e) => e.id)).toEqual(['A-1', 'A-1', 'A-3']);
    expect(problems).toEqual([
      "f.yaml:3:3: [2]: missing required key 'reason'",
      "f.yaml:4:25: [3].x: unknown key 'x' (allowed: id, reason)",
      'f.yaml:2:3: [1]: A-1 is excluded twice',
    ]);
  });

  it('treats an empty file as an empty list and a map as an error', () => {
    expect(parseExcluded('', 'f.yaml')).toEqual({ entries: [], problems: [] });
    expect(parseExcluded('a: 1\n', 'f.yaml').problems).toHaveLength(1);
  });
});

describe('shipped excluded lists', () => {
  for (const version of ['3.1.1', '5.0'] as const) {
    it(`excluded-${version}.yaml is well formed and names only statements of ${version}`, async () => {
      const excluded = await readExcluded(join(import.meta.dirname, '../../harness/coverage'), version);
      expect(excluded.problems).toEqual([]);
      for (const entry of excluded.entries) expect(STATEMENTS[version].has(entry.id), entry.id).toBe(true);
    });
  }
});

describe('harness coverage', () => {
  it('prints exactly the documented JSON shape, per version', async () => {
    const dir = await project({
      'scenarios/conformance/3.1.1/a.yaml': scenario('v311-a', '3.1.1', ['MQTT-3.1.0-2', 'MQTT-3.12.4-1']),
      'scenarios/conformance/5.0/b.yaml': scenario('v5-b', '5.0', ['MQTT-3.1.0-2']),
      'scenarios/other/c.yaml': scenario('ignored', '3.1.1', ['MQTT-3.2.0-1']),
      'ex/excluded-3.1.1.yaml': '- { id: MQTT-7.1.2-1, reason: client transport }\n',
    });
    const result = await run(['--json', '--excluded-dir', 'ex'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(report)).toEqual(['3.1.1', '5.0']);
    for (const version of ['3.1.1', '5.0']) {
      expect(Object.keys(report[version]!)).toEqual([
        'statements',
        'testable',
        'covered',
        'uncovered',
        'excluded',
      ]);
    }
    const v311 = report['3.1.1']!;
    expect(v311['statements']).toBe(STATEMENTS['3.1.1'].size);
    expect(v311['testable']).toBe(STATEMENTS['3.1.1'].size - 1);
    expect(v311['covered']).toBe(2);
    expect(v311['uncovered']).not.toContain('MQTT-3.12.4-1');
    expect(v311['uncovered']).toContain('MQTT-3.2.0-1');
    expect(v311['excluded']).toEqual([{ id: 'MQTT-7.1.2-1', reason: 'client transport' }]);
    expect(report['5.0']!['covered']).toBe(1);
    expect(report['5.0']!['testable']).toBe(STATEMENTS['5.0'].size);
  });

  it('with paths, counts every scenario found for the versions it lists', async () => {
    const dir = await project({
      'elsewhere/c.yaml': scenario('c', '3.1.1', ['MQTT-3.2.0-1']),
      'ex/.keep': '',
    });
    const result = await run(['--json', '--excluded-dir', 'ex', 'elsewhere'], dir);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, { covered: number }>;
    expect(report['3.1.1']!.covered).toBe(1);
    expect(report['5.0']!.covered).toBe(0);
  });

  it('exits 1 when an excluded id is covered or unknown, and says which', async () => {
    const dir = await project({
      'scenarios/conformance/3.1.1/a.yaml': scenario('v311-a', '3.1.1', ['MQTT-3.12.4-1']),
      'ex/excluded-3.1.1.yaml': '- { id: MQTT-3.12.4-1, reason: r }\n',
      'ex/excluded-5.0.yaml': '- { id: MQTT-9.9.9-9, reason: r }\n',
    });
    const result = await run(['--excluded-dir', 'ex'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/MQTT-3\.12\.4-1 is excluded but covered by v311-a/);
    expect(result.stderr).toMatch(/MQTT-9\.9\.9-9 is not a statement/);
    expect(result.stdout).toMatch(/^MQTT 3\.1\.1: \d+ statements, \d+ broker-testable, 0 covered/m);
  });

  it('exits 2 on an invalid scenario file', async () => {
    const dir = await project({
      'scenarios/conformance/3.1.1/a.yaml': 'name: Bad Name\nsteps: []\n',
      'ex/.keep': '',
    });
    const result = await run(['--excluded-dir', 'ex'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/a\.yaml/);
  });
});

describe('the shipped 3.1.1 catalogue', () => {
  it('covers every broker-testable 3.1.1 statement and excludes none it covers', async () => {
    const root = join(import.meta.dirname, '../..');
    const result = await computeCoverage({ cwd: root, paths: ['scenarios/conformance/3.1.1'] });
    expect(result.problems.filter((problem) => problem.startsWith('MQTT 3.1.1'))).toEqual([]);
    expect(result.report['3.1.1'].uncovered).toEqual([]);
    expect(result.report['3.1.1'].covered).toBe(result.report['3.1.1'].testable);
  });
});
