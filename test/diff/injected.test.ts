// A known difference injected on purpose: the reference broker with the test-only mutation
// `success-without-subscribers` answers a QoS 1 PUBLISH nobody subscribed to with PUBACK 0x00
// instead of 0x10 (both legal). `harness diff` against the unmutated broker must report exactly
// that, at that step, and nothing else (timing is out of the way: this machine may be busy).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffReport, RunResult } from '../../harness/result/model.js';
import { project, runCli } from '../cli/helpers.js';

const SCENARIO = `name: publish-nobody
mqtt: '5.0'
statements: [MQTT-3.4.2-1]
steps:
  - connect: { client: a }
  - subscribe: { client: a, filter: '\${prefix}in', qos: 1 }
  - publish: { client: a, topic: '\${prefix}in', qos: 1, payload: x }
  - expect: { client: a, packet: { type: publish, topic: '\${prefix}in', payload: x } }
  - publish: { client: a, topic: '\${prefix}nobody', qos: 1, payload: y }
  - disconnect: { client: a }
`;

const CONFIG = `targets:
  mutant:
    kind: reference
    options: { mutations: [success-without-subscribers] }
`;

describe('harness diff finds an injected difference', () => {
  it('reports the PUBACK reason code of the mutant at the publish step, and nothing else', async () => {
    const dir = await project({ 'publish-nobody.yaml': SCENARIO, 'harness.config.yaml': CONFIG });
    const args = ['publish-nobody.yaml', '-t', 'reference', '-t', 'mutant', '--timing-tolerance', '600000'];
    const run = await runCli(['diff', ...args, '--json', '-o', 'out'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DiffReport;
    expect(report).toMatchObject({ compared: 1, total: 1, targets: ['reference', 'mutant'] });
    expect(report.rows).toEqual([
      expect.objectContaining({
        class: 'both legal',
        aspect: 'reason code',
        target: 'mutant',
        packet: 'PUBACK',
        field: 'reasonCode',
        baseline: '0x10 (No matching subscribers)',
        other: '0x00 (Success)',
        count: 1,
        statements: ['MQTT-3.4.2-1'],
      }),
    ]);
    expect(report.rows[0]?.occurrences).toEqual([
      expect.objectContaining({
        scenario: 'publish-nobody',
        step: 4,
        stepKind: 'publish',
        location: 'publish-nobody.yaml:9',
        client: 'a',
      }),
    ]);
    // The same part of the result model is in the JSON report and rendered in the HTML report.
    const saved = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as RunResult;
    expect(saved.diff?.rows).toHaveLength(1);
    expect(saved.scenarios.every((s) => s.transcript !== undefined)).toBe(true);
    const html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<section id="diff">');
    expect(html).toContain(
      'PUBACK reasonCode: reference 0x10 (No matching subscribers), mutant 0x00 (Success)',
    );
    expect(html).toContain('publish-nobody.yaml:9');
  });

  it('finds no difference between two unmutated brokers and says so on the console', async () => {
    const dir = await project({
      'publish-nobody.yaml': SCENARIO,
      'harness.config.yaml': 'targets:\n  twin: { kind: reference }\n',
    });
    const run = await runCli(
      [
        'diff',
        'publish-nobody.yaml',
        '-t',
        'reference',
        '-t',
        'twin',
        '--timing-tolerance',
        '600000',
        '-o',
        'out',
      ],
      dir,
    );
    expect(run.stdout).toContain(
      'Diff: baseline reference vs twin — 1 scenario runs compared, 0 differences in 0 rows',
    );
    expect(run.stdout).toContain('No differences.');
    expect(run.code).toBe(0);
  });

  it('refuses one target, and a baseline that is not a target', async () => {
    const dir = await project({ 'publish-nobody.yaml': SCENARIO });
    const one = await runCli(['diff', 'publish-nobody.yaml', '-t', 'reference'], dir);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/two targets or more/);
    const baseline = await runCli(
      ['diff', 'publish-nobody.yaml', '-t', 'reference', '-t', 'mosquitto', '--baseline', 'aedes'],
      dir,
    );
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toMatch(/baseline 'aedes' is not one of the targets/);
  });
});
