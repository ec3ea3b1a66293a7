// --broker-cpus and --generator-cpus on the real CLI: a bad list or a placement the harness cannot
// apply is exit 2 before anything starts; a good one pins mosquitto and the load's worker thread,
// and the result, the bench console and the Markdown report say where each ran.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedCpus } from '../../harness/placement/index.js';
import type { RunResult } from '../../harness/result/model.js';
import { project, runCli } from '../cli/helpers.js';

const allowed = allowedCpus() ?? [];
const brokerCpu = String(allowed[0]);
const generatorCpu = String(allowed.at(-1));
const outside = String((allowed.at(-1) ?? 0) + 1);
const SMALL = [
  '--rate',
  '50',
  '--duration',
  '1s',
  '--warmup',
  '0s',
  '--publishers',
  '1',
  '--inconclusive',
  'warn',
];

describe('--broker-cpus / --generator-cpus: exit 2 before anything starts', () => {
  it('a malformed list', async () => {
    const run = await runCli(['run', '--broker-cpus', '0-x'], await project({}));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broker cpus '0-x' is not a CPU list/);
  });

  it('a CPU outside the allowed set', async () => {
    const run = await runCli(['bench', 'pairs', '--generator-cpus', outside, ...SMALL], await project({}));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`CPU ${outside} is not one this process may use`));
  });

  it('the embedded reference broker, naming the reference broker in its own process', async () => {
    const run = await runCli(['run', '-t', 'reference', '--broker-cpus', brokerCpu], await project({}));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/embedded reference broker .* process: true/);
  });

  it('a load in the main thread (workers 0)', async () => {
    const dir = await project({});
    const run = await runCli(
      ['bench', 'pairs', '--workers', '0', '--generator-cpus', generatorCpu, ...SMALL],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/workers: 0 .*main thread/);
  });

  it("a configured target's malformed cpus", async () => {
    const dir = await project({ 'harness.config.yaml': "targets:\n  mq: { kind: mosquitto, cpus: '0-' }\n" });
    const run = await runCli(['bench', 'pairs', '-t', 'mq', ...SMALL], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/target 'mq': cpus '0-' is not a CPU list/);
  });

  it('--help lists both flags on run and bench', async () => {
    for (const command of ['run', 'bench']) {
      const help = await runCli([command, '--help'], '/');
      expect(help.stdout).toMatch(/--broker-cpus LIST/);
      expect(help.stdout).toMatch(/--generator-cpus LIST/);
    }
  });
});

describe('harness bench with --broker-cpus and --generator-cpus', () => {
  it('mosquitto and the worker thread run where asked; the result, console and Markdown say so', async () => {
    const dir = await project({});
    const run = await runCli(
      [
        'bench',
        'pairs',
        '-t',
        'mosquitto',
        '--workers',
        '1',
        '--broker-cpus',
        brokerCpu,
        '--generator-cpus',
        generatorCpu,
        ...SMALL,
        '-r',
        'bench,markdown',
        '-o',
        dir,
        '--json',
        'out.json',
      ],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as RunResult;
    expect(result.targets[0]).toMatchObject({ kind: 'mosquitto', cpus: brokerCpu });
    const load = result.loads[0]!;
    expect(load.generator.cpus).toBe(generatorCpu);
    expect(load.broker?.cpus).toBe(brokerCpu);
    expect(load.received).toBe(load.sent);
    const where = `broker CPUs ${brokerCpu} · generator CPUs ${generatorCpu}`;
    expect(run.stdout).toContain(`placement ${where}`);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain(where);
  });

  it("a configured target's cpus pin it without a flag", async () => {
    const dir = await project({
      'harness.config.yaml': `targets:\n  mq: { kind: mosquitto, cpus: '${brokerCpu}' }\n`,
    });
    const run = await runCli(
      ['bench', 'pairs', '-t', 'mq', '--workers', '1', ...SMALL, '--json', 'out.json'],
      dir,
    );
    expect(run.stderr).toBe('');
    const result = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as RunResult;
    expect(result.targets[0]).toMatchObject({ name: 'mq', cpus: brokerCpu });
    expect(result.loads[0]!.broker?.cpus).toBe(brokerCpu);
    expect(result.loads[0]!.generator.cpus).toBeUndefined();
  });

  it('bench sweep: every step runs on the given CPUs, and the sweep records and prints them', async () => {
    const dir = await project({});
    const run = await runCli(
      [
        'bench',
        'sweep',
        'pairs',
        '-t',
        'mosquitto',
        '--rates',
        '50',
        '--step-duration',
        '1s',
        '--warmup',
        '0s',
        '--publishers',
        '1',
        '--workers',
        '1',
        '--broker-cpus',
        brokerCpu,
        '--generator-cpus',
        generatorCpu,
        '--inconclusive',
        'warn',
        '--json',
        'out.json',
      ],
      dir,
    );
    expect(run.stderr).toBe('');
    const result = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as RunResult;
    const sweep = result.sweeps![0]!;
    expect(sweep.placement).toEqual({ broker: brokerCpu, generator: generatorCpu });
    expect(sweep.repetitions[0]!.steps[0]!.placement).toEqual({ broker: brokerCpu, generator: generatorCpu });
    expect(run.stdout).toContain(`broker CPUs ${brokerCpu} · generator CPUs ${generatorCpu}`);
  });
});
