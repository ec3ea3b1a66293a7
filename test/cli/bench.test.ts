// `harness bench` goes the way of `harness run`: -t/-p like run, a RunResult that report, compare
// and merge accept, problems found before anything starts. Real brokers, real CLI.
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/model.js';
import { markedTargetConfig, project, runCli } from './helpers.js';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
const readResult = async (file: string): Promise<RunResult> =>
  JSON.parse(await readFile(file, 'utf8')) as RunResult;

// Short loads: 25 messages each, in this thread (no worker start-up cost on a busy machine). These
// tests are about the result's plumbing: on a busy machine a load may be inconclusive, which warns.
const SMALL = [
  '--rate',
  '50',
  '--duration',
  '500ms',
  '--publishers',
  '1',
  '--workers',
  '0',
  '--inconclusive',
  'warn',
];
const MATRIX = ['-t', 'reference', '-t', 'mosquitto', '-p', 'lan', '-p', '3g'];

describe('harness bench: usage', () => {
  it('--help lists -t and -p like run, and says --duration needs a unit', async () => {
    const help = await runCli(['bench', '--help'], '/');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^Usage: harness bench \[sweep\] <fanin\|fanout\|pairs\|conn-storm\|retained>/,
    );
    expect(help.stdout).toMatch(/-t, --target SPEC .*\(repeatable\)/);
    expect(help.stdout).toMatch(/-p, --profile NAME .*\(repeatable\)/);
    expect(help.stdout).toMatch(/--duration D +how long the schedule runs, with a unit/);
    const merge = await runCli(['merge', '--help'], '/');
    expect(merge.code).toBe(0);
    expect(merge.stdout).toMatch(/name × target × profile × MQTT/);
  });

  it.each([
    [['--duration', '5'], /--duration needs a unit: 5s, 5ms or 5m/],
    [['--hold', '2'], /--hold needs a unit/],
    [['--duration', 'soon'], /--duration needs a duration with a unit \(500ms, 10s, 2m\), got 'soon'/],
    [['--qos', '3'], /--qos must be 0, 1 or 2/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('%j exits 2 before anything starts', async (flags, message) => {
    const dir = await project({});
    await writeFile(join(dir, 'harness.config.yaml'), await markedTargetConfig(dir));
    const result = await runCli(['bench', 'pairs', '-t', 'marked', ...flags], dir);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(await exists(join(dir, 'started'))).toBe(false);
  });

  it('conn-storm refuses --warmup (exit 2, the reason said) and starts no broker', async () => {
    const dir = await project({});
    await writeFile(join(dir, 'harness.config.yaml'), await markedTargetConfig(dir));
    const flags = ['-t', 'marked', '--connections', '10', '--hold', '100ms', '--warmup', '2s'];
    const result = await runCli(['bench', 'conn-storm', ...flags], dir);
    expect(result.stderr).toMatch(
      /^harness bench conn-storm: --warmup does not apply: a connection storm has no warm-up: .*listen-queue overflows/,
    );
    expect(result.code).toBe(2);
    expect(await exists(join(dir, 'started'))).toBe(false);
  });

  it('an unknown profile or an invalid threshold exits 2 and starts no broker', async () => {
    const dir = await project({});
    await writeFile(join(dir, 'harness.config.yaml'), await markedTargetConfig(dir));
    const typo = await runCli(['bench', 'pairs', '-t', 'marked', '-p', 'typo'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^harness bench: network profile 'typo' not found/);
    const threshold = await runCli(['bench', 'pairs', '-t', 'marked', '--threshold', 'p99 <'], dir);
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toMatch(/invalid load 'bench-pairs'/);
    expect(await exists(join(dir, 'started'))).toBe(false);
  });
});

describe('harness bench --timer', () => {
  it('an unknown timer exits 2 and starts no broker; a known one is the load section timer the result names', async () => {
    const dir = await project({});
    await writeFile(join(dir, 'harness.config.yaml'), await markedTargetConfig(dir));
    const bad = await runCli(['bench', 'pairs', '-t', 'marked', '--timer', 'sundial'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--timer must be one of auto, timerfd, wait-thread, spin, libuv, got 'sundial'/,
    );
    expect(await exists(join(dir, 'started'))).toBe(false);
    const run = await runCli(
      ['bench', 'pairs', '-t', 'reference', ...SMALL, '--timer', 'libuv', '--json', 'r.json'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [load] = (await readResult(join(dir, 'r.json'))).loads;
    expect(load?.generator.timer).toBe('libuv');
    expect(load?.config).toMatchObject({ timer: 'libuv' });
  }, 60_000);
});

describe('harness bench → report, compare, merge', () => {
  let dir: string;
  let a: RunResult;
  let b: RunResult;

  beforeAll(async () => {
    dir = await project({});
    // Two runs of the same loads, as two processes or machines would make them.
    for (const name of ['a', 'b']) {
      const run = await runCli(['bench', 'pairs', ...MATRIX, ...SMALL, '--json', `${name}.json`], dir);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Reports: ${name}\\.json$`, 'm'));
    }
    [a, b] = await Promise.all([readResult(join(dir, 'a.json')), readResult(join(dir, 'b.json'))]);
  }, 180_000);

  it('writes a RunResult: one load per target × profile, with the tool version', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(a.schemaVersion).toBe(1);
    expect(a.tool).toEqual({ name: 'mqtt-harness', version: pkg.version });
    expect(a.targets.map((t) => t.name)).toEqual(['reference', 'mosquitto']);
    expect(a.profiles.map((p) => p.name)).toEqual(['lan', '3g']);
    // Targets interleaved (A B A B), never in blocks: drift hits both alike.
    expect(a.loads.map((l) => `${l.name} ${l.target} ${l.profile} ${l.mqttVersion}`)).toEqual([
      'bench-pairs reference lan 5.0',
      'bench-pairs mosquitto lan 5.0',
      'bench-pairs reference 3g 5.0',
      'bench-pairs mosquitto 3g 5.0',
    ]);
    expect(a.loads.every((l) => l.intended === 25 && l.received === l.sent)).toBe(true);
    expect(a.summary).toMatchObject({ total: 0, loadsFailed: 0 });
  });

  it('harness report re-renders it', async () => {
    const report = await runCli(['report', 'a.json'], dir);
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/bench-pairs\s+mosquitto\s+3g\s+5\.0/);
  });

  it('harness compare matches the four loads', async () => {
    const compare = await runCli(['compare', 'a.json', 'b.json', '--json'], dir);
    expect(compare.stderr).toBe('');
    expect([0, 1]).toContain(compare.code); // two real runs: a change is possible, invalid input is not
    const comparison = JSON.parse(compare.stdout) as { loads: { key: string }[] };
    expect(comparison.loads.map((l) => l.key).sort()).toEqual(
      [
        'bench-pairs · mosquitto · 3g · MQTT 5.0',
        'bench-pairs · mosquitto · lan · MQTT 5.0',
        'bench-pairs · reference · 3g · MQTT 5.0',
        'bench-pairs · reference · lan · MQTT 5.0',
      ].sort(),
    );
  });

  it('harness merge keeps 2 targets × 2 profiles apart: 4 loads, each the sum of its two runs', async () => {
    const merge = await runCli(
      ['merge', 'a.json', 'b.json', '-o', 'all.json', '--inconclusive', 'warn'],
      dir,
    );
    expect(merge.code).toBe(0);
    const all = await readResult(join(dir, 'all.json'));
    expect(all.loads).toHaveLength(4);
    for (const load of all.loads) {
      const parts = [a, b].map((run) =>
        run.loads.find((l) => l.target === load.target && l.profile === load.profile),
      );
      expect(load.config['mergedFrom']).toBe(2);
      expect(load.sent).toBe(parts[0]!.sent + parts[1]!.sent);
      expect(load.latency.count).toBe(parts[0]!.latency.count + parts[1]!.latency.count);
    }
    expect(new Set(all.loads.map((l) => `${l.target}/${l.profile}`)).size).toBe(4);
    expect(all.targets.map((t) => t.name)).toEqual(['reference', 'mosquitto']);
    expect(all.profiles.map((p) => p.name)).toEqual(['lan', '3g']);
    // The merged file is a RunResult like any other.
    expect((await runCli(['report', 'all.json', '-r', 'dot'], dir)).code).toBe(0);
  });

  it('harness merge refuses the same load run on another schedule', async () => {
    const other = await runCli(
      ['bench', 'pairs', '-t', 'reference', '-p', 'lan', ...SMALL, '--rate', '40', '--json', 'c.json'],
      dir,
    );
    expect(other.code).toBe(0);
    const merge = await runCli(['merge', 'a.json', 'c.json'], dir);
    expect(merge.code).toBe(2);
    expect(merge.stdout).toBe('');
    expect(merge.stderr).toMatch(
      /cannot merge load 'bench-pairs · reference · lan · MQTT 5\.0': the runs have different schedules/,
    );
  }, 60_000);

  it('harness merge refuses results of another harness version', async () => {
    await writeFile(join(dir, 'old.json'), JSON.stringify({ ...b, tool: { ...b.tool, version: '0.0.1' } }));
    const merge = await runCli(['merge', 'a.json', 'old.json'], dir);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/different harness versions/);
  });
});
