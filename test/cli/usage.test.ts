import { describe, expect, it } from 'vitest';
import { exitCodeFor, parseCommandLine, UsageError } from '../../harness/cli/args.js';
import {
  exitCodeForResult,
  inconclusiveMode,
  runOverrides,
  RUN_OPTIONS,
} from '../../harness/cli/commands/run.js';
import { ConfigError } from '../../harness/config/index.js';
import { HarnessError, ScenarioValidationError } from '../../harness/errors.js';
import { TargetError } from '../../harness/targets/index.js';
import type { RunResult } from '../../harness/result/model.js';
import { project, runCli } from './helpers.js';

describe('usage errors exit 2 with a clear message', () => {
  it.each([
    [['run', '--bogus'], /harness run: unknown option '--bogus'\nRun 'harness run --help'/],
    [['run', '-x'], /unknown option '-x'/],
    [['run', '--workers', 'many'], /--workers needs an integer ≥ 1, got 'many'/],
    [['run', '--workers', '0'], /--workers needs an integer ≥ 1, got '0'/],
    [['run', '--timeout', '-5'], /option '--timeout' needs a value \(write --timeout=-VALUE/],
    [['run', '--mqtt', '4'], /--mqtt must be one of 3.1.1, 5.0, got '4'/],
    [['run', '--grep', '(unclosed'], /--grep is not a valid regular expression/],
    [['run', '--bail=yes'], /option '--bail' takes no value/],
    [['run', '--target'], /option '--target' needs a value/],
    [['run', '--timeout=-5'], /--timeout needs an integer ≥ 1, got '-5'/],
    [['run', '--target', 'nats'], /unknown target 'nats'/],
    [['run', '--config', 'missing.yaml'], /config file not found: .*missing\.yaml/],
    [['run', '--reporter', 'fancy', '--target', 'reference'], /unknown reporter 'fancy'/],
    [['list', '--nope'], /harness list: unknown option '--nope'/],
    [['validate', '--nope'], /harness validate: unknown option '--nope'/],
    [['nosuchcommand'], /unknown command 'nosuchcommand'/],
  ])('%j', async (argv, message) => {
    const dir = await project({});
    const result = await runCli(argv, dir);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('an invalid config file exits 2 listing every problem with its line', async () => {
    const dir = await project({ 'harness.config.yaml': 'workers: none\nbogus: 1\n' });
    const result = await runCli(['run'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/harness\.config\.yaml:1:10: workers: must be integer/);
    expect(result.stderr).toMatch(/harness\.config\.yaml:2:1: bogus: unknown key 'bogus'/);
  });
});

describe('--help', () => {
  it.each(['run', 'validate', 'list'])('harness %s --help prints the options and exits 0', async (name) => {
    const result = await runCli([name, '--help'], '/');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: harness ${name} \\[paths...\\]`));
    expect(result.stdout).toMatch(/-c, --config FILE/);
  });

  it('run --help documents every option and the exit codes', async () => {
    const { stdout } = await runCli(['run', '--help'], '/');
    for (const name of Object.keys(RUN_OPTIONS)) expect(stdout).toContain(`--${name}`);
    expect(stdout).toMatch(/Exit codes: 0 .* 1 .*\n.* 2 invalid input or usage, 3 internal error/);
  });
});

describe('run: flags → config overrides', () => {
  const parse = (argv: string[]) => {
    const { values, positionals } = parseCommandLine('run', argv, RUN_OPTIONS);
    return runOverrides(values, positionals);
  };

  it('maps every flag', () => {
    expect(
      parse([
        'a.yaml',
        'dir',
        '-t',
        'mosquitto',
        '--target',
        'mqtt://127.0.0.1:1883',
        '-p',
        'lossy',
        '-w',
        '3',
        '--bail',
        '-g',
        'connect',
        '--tag',
        'qos',
        '--tag',
        'retain',
        '--mqtt',
        '5.0',
        '-r',
        'junit',
        '--reporter',
        'html',
        '-o',
        'out',
        '-c',
        'h.yaml',
        '--timeout',
        '1000',
        '--step-timeout',
        '200',
      ]),
    ).toEqual({
      paths: ['a.yaml', 'dir'],
      targets: ['mosquitto', 'mqtt://127.0.0.1:1883'],
      profiles: ['lossy'],
      workers: 3,
      bail: true,
      grep: 'connect',
      tags: ['qos', 'retain'],
      mqtt: ['5.0'],
      reporters: ['junit', 'html'],
      outputDir: 'out',
      configFile: 'h.yaml',
      timeouts: { scenario: 1000, step: 200 },
    });
  });

  it('no flags: no overrides', () => {
    expect(parse([])).toEqual({});
  });

  it('only one timeout given overrides only that one', () => {
    expect(parse(['--step-timeout', '50'])).toEqual({ timeouts: { step: 50 } });
  });
});

describe('exit codes', () => {
  const result = (summary: Partial<RunResult['summary']>, interrupted?: string): RunResult =>
    ({
      summary: {
        total: 1,
        passed: 0,
        failed: 0,
        skipped: 0,
        warnings: 0,
        deviations: 0,
        loadsFailed: 0,
        ...summary,
      },
      loads: [] as RunResult['loads'],
      ...(interrupted === undefined ? {} : { interrupted: { reason: interrupted } }),
    }) as unknown as RunResult;

  it.each([
    ['all passed', result({ passed: 5 }), 0],
    [
      'skips, warnings and known deviations do not fail',
      result({ passed: 1, skipped: 2, warnings: 1, deviations: 3 }),
      0,
    ],
    ['a failed scenario', result({ passed: 4, failed: 1 }), 1],
    ['a failed load (threshold or delivery)', result({ passed: 4, loadsFailed: 1 }), 1],
    ['an interrupted run', result({ passed: 1 }, 'interrupted'), 1],
  ])('result: %s', (_title, value, code) => {
    expect(exitCodeForResult(value)).toBe(code);
  });

  it('an inconclusive load exits 1, or 0 with --inconclusive warn; a failure exits 1 either way', () => {
    const load = { verdict: 'inconclusive' } as RunResult['loads'][number];
    const inconclusive = { ...result({ passed: 1, loadsInconclusive: 1 }), loads: [load] };
    expect(exitCodeForResult(inconclusive)).toBe(1);
    expect(exitCodeForResult(inconclusive, 'fail')).toBe(1);
    expect(exitCodeForResult(inconclusive, 'warn')).toBe(0);
    expect(
      exitCodeForResult({ ...inconclusive, summary: { ...inconclusive.summary, loadsFailed: 1 } }, 'warn'),
    ).toBe(1);
  });

  it('--inconclusive takes fail or warn, nothing else', () => {
    const parse = (argv: string[]) =>
      inconclusiveMode('run', parseCommandLine('run', argv, RUN_OPTIONS).values);
    expect(parse([])).toBe('fail');
    expect(parse(['--inconclusive', 'warn'])).toBe('warn');
    expect(() => parse(['--inconclusive', 'ignore'])).toThrow(
      /--inconclusive must be one of fail, warn, got 'ignore'/,
    );
  });

  it.each([
    ['usage', new UsageError('x'), 2],
    ['config', new ConfigError('invalid', 'x'), 2],
    ['unknown target', new TargetError('unknown', 'x'), 2],
    ['missing broker binary', new TargetError('binary-missing', 'x'), 2],
    ['invalid scenario', new ScenarioValidationError([]), 2],
    ['aborted while starting a target', new TargetError('aborted', 'x'), 1],
    ['a catalogue error', new HarnessError('HARNESS_SCENARIO_NOT_FOUND', 'x'), 2],
    ['a bug', new TypeError('undefined is not a function'), 3],
    ['not even an Error', 'boom' as unknown, 3],
  ])('error: %s', (_title, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});
