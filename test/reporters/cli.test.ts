// `harness report` and `harness compare` through the real CLI dispatcher, on result files written
// to a temporary directory; the outputs are read back.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.js';
import type { RunResult } from '../../harness/result/model.js';
import { Capture } from './capture.js';
import { buildRunResult } from './fixtures/run-result.js';
import { findAll, parseXml } from './xml.js';

let dir: string;
const files = { baseline: '', current: '', mosquittoOnly: '', referenceOnly: '', bad: '', future: '' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-cli-'));
  const write = async (name: string, value: unknown): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  const baseline = buildRunResult();
  files.baseline = await write('baseline.json', baseline);
  files.current = await write('current.json', buildRunResult({ loadScale: 1.3, extraFailure: true }));
  const part = (target: string): RunResult => ({
    ...baseline,
    targets: baseline.targets.filter((t) => t.name === target),
    scenarios: baseline.scenarios.filter((s) => s.target === target),
    loads: baseline.loads.filter((l) => l.target === target),
  });
  files.referenceOnly = await write('reference.json', part('reference'));
  files.mosquittoOnly = await write('mosquitto.json', part('mosquitto'));
  files.bad = await write('bad.json', '{ not json');
  files.future = await write('future.json', { ...baseline, schemaVersion: 99 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function harness(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, {
    stdout,
    stderr,
    isTTY: false,
    env: {},
    cwd: dir,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('harness report', () => {
  it('merges several files into one view and writes every report', async () => {
    const out = join(dir, 'out');
    const run = await harness(
      'report',
      files.referenceOnly,
      files.mosquittoOnly,
      '--reporter',
      'junit,markdown,json',
      '-r',
      'html',
      '--output-dir',
      out,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const merged = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    const original = buildRunResult();
    expect(merged.targets.map((t) => t.name)).toEqual(['reference', 'mosquitto']);
    expect(merged.scenarios.length).toBe(original.scenarios.length);
    expect(merged.summary).toEqual(original.summary);
    expect(findAll(parseXml(await readFile(join(out, 'junit.xml'), 'utf8')), 'testcase').length).toBe(
      original.scenarios.length + original.loads.length,
    );
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('| mosquitto | 1 | 2 | 1 | 1 | 1 | 6 |');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('prints the list view by default', async () => {
    const run = await harness('report', files.baseline);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✗ publish-qos1-puback [mosquitto · MQTT 5.0 · lan]');
    expect(run.stdout).toContain('FAILED: 7 passed, 2 failed');
  });

  it('includes a comparison in the HTML report when given a baseline', async () => {
    const out = join(dir, 'cmp');
    const run = await harness(
      'report',
      files.current,
      '--reporter',
      'html',
      '--output-dir',
      out,
      '--baseline',
      files.baseline,
    );
    expect(run.code).toBe(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Comparison with baseline');
    expect(html).toContain('newly-failing');
  });

  it('rejects unreadable or foreign files and unknown reporters with exit code 2', async () => {
    const bad = await harness('report', files.bad);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not JSON');
    const future = await harness('report', files.future);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('result schema version 99 is not supported');
    const unknown = await harness('report', files.baseline, '--reporter', 'pdf');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown reporter 'pdf'");
    expect((await harness('report')).code).toBe(2);
  });
});

describe('harness compare', () => {
  it('exits 0 when nothing regressed', async () => {
    const run = await harness('compare', files.baseline, files.baseline);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('OK: no regression');
  });

  it('exits 1 on a regression and names it', async () => {
    const run = await harness(
      'compare',
      files.baseline,
      files.current,
      '--threshold',
      '5%',
      '--html',
      'cmp/compare.html',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /fanout-qos1 · reference · lan · MQTT 5\.0\s+p99\s+\S+\s+\S+\s+\+(29|30)\.\d%\s+CIs apart\s+REGRESSED/,
    );
    expect(run.stdout).toContain('newly-failing connect-basic|reference|5.0|lan: passed → failed');
    expect(await readFile(join(dir, 'cmp', 'compare.html'), 'utf8')).toContain('Comparison with baseline');
  });

  it('treats a large threshold as tolerance for load changes but not for new failures', async () => {
    const run = await harness('compare', files.baseline, files.current, '--threshold', '50%', '--json');
    expect(run.code).toBe(1);
    const comparison = JSON.parse(run.stdout);
    expect(comparison.regressions).toBe(1);
    expect(comparison.loads.every((l: { regressed: boolean }) => !l.regressed)).toBe(true);
  });

  it('prints Markdown for a pull-request comment', async () => {
    const run = await harness('compare', files.baseline, files.current, '--markdown');
    expect(run.code).toBe(1);
    // The headline counts exactly the rows marked regressed below it.
    const lines = run.stdout.split('\n');
    const marked = lines.filter((line) => line.includes('❌ regressed') || line.startsWith('- ❌')).length;
    expect(marked).toBeGreaterThan(4);
    expect(lines[0]).toBe(`## ❌ Compared with baseline: ${marked} regression(s), 0 improvement(s)`);
    expect(run.stdout).toMatch(
      /\| fanout-qos1 · mosquitto · lan · MQTT 5\.0 \| p99 \| .* \| ❌ regressed \|/,
    );
    expect(run.stdout).toContain('- ❌ newly failing: `connect-basic|reference|5.0|lan` (passed → failed)');
  });

  it('rejects wrong usage with exit code 2', async () => {
    expect((await harness('compare', files.baseline)).code).toBe(2);
    expect((await harness('compare', files.baseline, files.current, '--threshold', 'lots')).code).toBe(2);
    expect((await harness('compare', files.baseline, join(dir, 'missing.json'))).stderr).toContain(
      'cannot read',
    );
  });
});
