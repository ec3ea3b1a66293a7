// `harness bench <preset>`: emqtt-bench-like presets. A preset becomes a load scenario that goes
// through runHarness like `harness run`: same targets, network profiles, reporters and RunResult.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  defaultBenchReporters,
  loadConfig,
  type CliOverrides,
  type ResolvedConfig,
} from '../../config/index.js';
import { REFERENCE_PROCESS } from '../../targets/index.js';
import {
  PRESETS,
  presetScenario,
  STORM_HAS_NO_WARMUP,
  TIMER_KINDS,
  type BenchOptions,
  type TimerChoice,
  type BenchPreset,
} from '../../load/index.js';
import { parseSlo, sweepSection, type SweepFlags } from '../../load/index.js';
import {
  COMMON_OPTIONS,
  checkChoices,
  formatHelp,
  getList,
  getString,
  reportError,
  UsageError,
  type OptionTable,
  type OptionValues,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { parseOrHelp, WrittenFiles } from '../shared.js';
import { exitCodeForResult, inconclusiveMode, placementOverrides, RUN_OPTIONS } from './run.js';
import { launcherProgress, SHARD_OPTIONS, shardFlags } from '../shard-flags.js';
import { launchAndReport } from '../shard-launch.js';

const OPTIONS: OptionTable = {
  target: RUN_OPTIONS['target']!,
  profile: RUN_OPTIONS['profile']!,
  mqtt: { type: 'string', value: 'VERSION', description: 'MQTT version: 3.1.1 or 5.0 (default 5.0)' },
  qos: { type: 'string', value: 'N', description: 'QoS 0, 1 or 2 (default 0)' },
  rate: {
    type: 'string',
    value: 'N|max',
    description: 'messages per second for the whole run (default 1000); max = closed loop',
  },
  size: { type: 'string', value: 'BYTES', description: 'payload size (default 64, at least 20)' },
  publishers: { type: 'string', value: 'N', description: 'publishers (default depends on the preset)' },
  subscribers: { type: 'string', value: 'N', description: 'subscribers (default depends on the preset)' },
  duration: {
    type: 'string',
    value: 'D',
    description: 'how long the schedule runs, with a unit: 500ms, 10s, 2m (default 10s)',
  },
  window: {
    type: 'string',
    value: 'N',
    description: 'closed loop: messages in flight per publisher (default 10)',
  },
  'max-inflight': {
    type: 'string',
    value: 'N',
    description: 'open loop: unacknowledged messages per publisher before sends are dropped',
  },
  timer: {
    type: 'string',
    value: 'KIND',
    description: `open loop: how sends wake: ${['auto', ...TIMER_KINDS].join(', ')} (default auto; docs/load.md, Punctuality)`,
  },
  workers: {
    type: 'string',
    value: 'N|auto',
    description: 'load worker threads (default auto = one per core; 0 = in this thread)',
  },
  connections: { type: 'string', value: 'N', description: 'conn-storm: connections (default 1000)' },
  'conn-rate': { type: 'string', value: 'N', description: 'connections per second (conn-storm default 500)' },
  hold: {
    type: 'string',
    value: 'D',
    description: 'conn-storm: how long each connection stays, with a unit (default 2s)',
  },
  'broker-cpus': RUN_OPTIONS['broker-cpus']!,
  'generator-cpus': RUN_OPTIONS['generator-cpus']!,
  inconclusive: RUN_OPTIONS['inconclusive']!,
  threshold: {
    type: 'string',
    multiple: true,
    value: 'EXPR',
    description: "e.g. 'p99 < 20ms', 'lost == 0', 'rate >= 10000'",
  },
  start: { type: 'string', value: 'N', description: 'sweep: first offered rate, msg/s (default 500)' },
  factor: { type: 'string', value: 'X', description: 'sweep: each step offers X times the last (default 2)' },
  rates: { type: 'string', value: 'N,N,...', description: 'sweep: the offered rates (instead of --start)' },
  steps: { type: 'string', value: 'N', description: 'sweep: geometric steps at most (default 8)' },
  'max-rate': { type: 'string', value: 'N', description: 'sweep: no step above this rate' },
  'step-duration': {
    type: 'string',
    value: 'D',
    description: 'sweep: measured time per step, with a unit (default 5s)',
  },
  warmup: {
    type: 'string',
    value: 'D',
    description:
      'time before the measured schedule, sent but kept out of the figures (default 1s, 0s: none; sweep: before each step; not conn-storm)',
  },
  slo: {
    type: 'string',
    multiple: true,
    value: 'K=V',
    description: 'sweep: p50|p99|p999=LATENCY, delivered=RATIO (default delivered=0.99), e.g. p99=20ms',
  },
  repeat: { type: 'string', value: 'N', description: 'sweep: climbs per target × profile (default 1)' },
  json: {
    type: 'string',
    value: 'FILE',
    description: "write the RunResult as JSON (for 'harness report', 'compare' and 'merge')",
  },
  reporter: {
    type: 'string',
    short: 'r',
    multiple: true,
    value: 'NAME',
    description: 'bench, list, dot, json, junit, markdown, html; comma-separated too (default: bench)',
  },
  'output-dir': {
    type: 'string',
    short: 'o',
    value: 'DIR',
    description: 'where report files go (default: the config, else reports/)',
  },
  ...SHARD_OPTIONS,
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  `harness bench [sweep] <${PRESETS.join('|')}> [options]`,
  'Load presets: fanin (N publishers → 1 wildcard subscriber), fanout (1 publisher → N subscribers),\n' +
    'pairs (N publisher/subscriber pairs), conn-storm (connect, hold, disconnect), retained (retained\n' +
    'publishes, cleared afterwards). Each target × profile gets one load run.\n' +
    '`bench sweep <preset>` steps the offered rate up to the knee (--start/--factor or --rates, --slo,\n' +
    '--step-duration, --warmup, --repeat), targets interleaved; see docs/load.md.',
  OPTIONS,
  'Exit codes: 0 every load passed, 1 a load failed (threshold, delivery), a load or rate sweep was inconclusive\n(unless --inconclusive warn) or the run was interrupted, 2 invalid input or usage (checked before anything starts),\n3 internal error.',
);

export async function benchCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('bench', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values, positionals } = parsed;
    const sweep = positionals[0] === 'sweep';
    const [preset, ...extra] = sweep ? positionals.slice(1) : positionals;
    if (preset === undefined || !isPreset(preset) || extra.length > 0)
      throw new UsageError(`harness bench: give one preset: ${PRESETS.join(', ')}\n\n${HELP}`);
    const [mqtt = '5.0'] = checkChoices('bench', 'mqtt', getList(values, 'mqtt'), ['3.1.1', '5.0'] as const);
    const inconclusive = inconclusiveMode('bench', values);
    const options = benchOptions(values);
    if (!sweep && preset === 'conn-storm' && options.warmup !== undefined)
      throw new UsageError(`harness bench conn-storm: --warmup does not apply: ${STORM_HAS_NO_WARMUP}`);
    const scenario = presetScenario(preset, options, mqtt);
    if (sweep) {
      const load = sweepSection(scenario.load!, sweepFlags(values));
      if (load === undefined) throw new UsageError(`harness bench sweep: '${preset}' has no rate to sweep`);
      scenario.load = load;
      scenario.name = `bench-sweep-${preset}`;
    } else {
      const stray = SWEEP_FLAGS.filter((name) => values[name] !== undefined);
      if (stray.length > 0)
        throw new UsageError(`harness bench: --${stray.join(', --')} go with 'harness bench sweep <preset>'`);
    }
    const flags = shardFlags(values, io.env);
    const config = await loadConfig(benchOverrides(values), { cwd: io.cwd, isTTY: io.isTTY, env: io.env });
    const reporters = getList(values, 'reporter').flatMap((names) =>
      names.split(',').map((name) => name.trim()),
    );
    const names = reporters.filter(Boolean).length > 0 ? reporters.filter(Boolean) : defaultBenchReporters();
    if (flags.processes !== undefined) {
      const json = getString(values, 'json');
      const merged = await launchAndReport(
        {
          command: 'bench',
          argv,
          processes: flags.processes,
          config,
          targets: config.selectedTargets.filter((spec): spec is string => typeof spec === 'string'),
          reporters: names,
          outputDir: config.outputDir,
          ...(json === undefined ? {} : { json }),
        },
        io,
      );
      return exitCodeForResult(merged, inconclusive);
    }
    const { runHarness } = await import('../../api.js');
    const written = new WrittenFiles(io);
    const progress =
      io.env['HARNESS_SHARD_CHILD'] === '1' ? launcherProgress(process.send?.bind(process)) : undefined;
    const result = await runHarness({
      config: withReferenceProcess(config),
      scenarios: [scenario],
      reporters: progress === undefined ? names : [...names, progress],
      output: written.output(),
      signal: io.signal,
      cwd: io.cwd,
      ...(flags.shard === undefined ? {} : { shard: flags.shard }),
    });
    const json = getString(values, 'json');
    if (json !== undefined) {
      const file = resolve(io.cwd, json);
      await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
      written.add(file);
    }
    written.print();
    return exitCodeForResult(result, inconclusive);
  } catch (error) {
    return reportError('bench', error, io.stderr);
  }
}

/**
 * A bench measures brokers: the built-in `reference` runs in a process of its own, as every other
 * broker does, instead of sharing this process's event loop with the load generator.
 */
function withReferenceProcess(config: ResolvedConfig): ResolvedConfig {
  if (config.targets['reference'] !== undefined) return config; // a configured target of that name
  return {
    ...config,
    selectedTargets: config.selectedTargets.map((spec) => (spec === 'reference' ? REFERENCE_PROCESS : spec)),
  };
}

function isPreset(name: string): name is BenchPreset {
  return (PRESETS as readonly string[]).includes(name);
}

/** Targets, profiles and the output directory: the same settings `harness run` resolves. */
function benchOverrides(values: OptionValues): CliOverrides {
  const overrides: CliOverrides = {};
  const configFile = getString(values, 'config');
  if (configFile !== undefined) overrides.configFile = configFile;
  const targets = getList(values, 'target');
  if (targets.length > 0) overrides.targets = targets;
  const profiles = getList(values, 'profile');
  if (profiles.length > 0) overrides.profiles = profiles;
  const outputDir = getString(values, 'output-dir');
  if (outputDir !== undefined) overrides.outputDir = outputDir;
  return { ...overrides, ...placementOverrides(values) };
}

/** The preset's options from the flags; every bad value is reported at once (UsageError). */
function benchOptions(values: OptionValues): BenchOptions {
  const errors: string[] = [];
  const number = (name: string): number | undefined => {
    const text = getString(values, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      errors.push(`--${name} needs a number ≥ 0, got '${text}'`);
      return undefined;
    }
    return value;
  };
  const duration = (name: string): string | undefined => {
    const text = getString(values, name);
    if (text === undefined) return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(text)) {
      errors.push(`--${name} needs a unit: ${text}s, ${text}ms or ${text}m (a bare number is ambiguous)`);
    } else if (!/^\s*\d+(\.\d+)?\s*(us|µs|ms|s|m|h)\s*$/.test(text)) {
      errors.push(`--${name} needs a duration with a unit (500ms, 10s, 2m), got '${text}'`);
    }
    return text;
  };
  const options: BenchOptions = {};
  const qos = number('qos');
  if (qos === 0 || qos === 1 || qos === 2) options.qos = qos;
  else if (qos !== undefined) errors.push(`--qos must be 0, 1 or 2, got ${qos}`);
  const rate = getString(values, 'rate');
  if (rate === 'max') options.max = true;
  else set(options, 'rate', number('rate'));
  set(options, 'size', number('size'));
  set(options, 'publishers', number('publishers'));
  set(options, 'subscribers', number('subscribers'));
  set(options, 'duration', duration('duration'));
  set(options, 'window', number('window'));
  set(options, 'maxInflight', number('max-inflight'));
  const timer = getString(values, 'timer');
  if (timer !== undefined) {
    if (timer === 'auto' || (TIMER_KINDS as readonly string[]).includes(timer))
      options.timer = timer as TimerChoice;
    else errors.push(`--timer must be one of auto, ${TIMER_KINDS.join(', ')}, got '${timer}'`);
  }
  set(options, 'workers', getString(values, 'workers') === 'auto' ? 'auto' : number('workers'));
  set(options, 'connections', number('connections'));
  set(options, 'connectRate', number('conn-rate'));
  set(options, 'hold', duration('hold'));
  set(options, 'warmup', duration('warmup'));
  const thresholds = getList(values, 'threshold');
  if (thresholds.length > 0) options.thresholds = thresholds;
  if (errors.length > 0) throw new UsageError(`harness bench: ${errors.join('; ')}`);
  return options;
}

const SWEEP_FLAGS = ['start', 'factor', 'rates', 'steps', 'max-rate', 'step-duration', 'slo', 'repeat'];

/** The sweep flags; every bad value is reported at once (UsageError). */
function sweepFlags(values: OptionValues): SweepFlags {
  const errors: string[] = [];
  const flags: SweepFlags = {};
  const number = (name: string, check: (value: number) => boolean, what: string): number | undefined => {
    const text = getString(values, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
      errors.push(`--${name} needs ${what}, got '${text}'`);
      return undefined;
    }
    return value;
  };
  const duration = (name: string): string | undefined => {
    const text = getString(values, name);
    if (text !== undefined && !/^\s*\d+(\.\d+)?\s*(us|µs|ms|s|m)\s*$/.test(text))
      errors.push(`--${name} needs a duration with a unit (500ms, 5s), got '${text}'`);
    return text;
  };
  const positive = (value: number): boolean => value > 0;
  set(flags, 'start', number('start', positive, 'a rate > 0'));
  set(
    flags,
    'factor',
    number('factor', (value) => value > 1, 'a factor > 1'),
  );
  set(
    flags,
    'steps',
    number('steps', (value) => Number.isInteger(value) && value >= 1, 'an integer ≥ 1'),
  );
  set(flags, 'maxRate', number('max-rate', positive, 'a rate > 0'));
  set(
    flags,
    'repeat',
    number('repeat', (value) => Number.isInteger(value) && value >= 1, 'an integer ≥ 1'),
  );
  set(flags, 'stepDuration', duration('step-duration'));
  set(flags, 'warmup', duration('warmup'));
  const rates = getString(values, 'rates');
  if (rates !== undefined) {
    const list = rates.split(',').map((item) => Number(item.trim()));
    if (list.some((rate) => !(rate > 0)))
      errors.push(`--rates needs rates > 0, comma-separated, got '${rates}'`);
    else flags.rates = list;
    if (flags.start !== undefined || flags.factor !== undefined)
      errors.push('--rates replaces --start and --factor: give one or the other');
  }
  const slo = getList(values, 'slo');
  if (slo.length > 0) {
    errors.push(...parseSlo(slo).errors);
    flags.slo = slo;
  }
  if (errors.length > 0) throw new UsageError(`harness bench sweep: ${errors.join('; ')}`);
  return flags;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

export const command: CommandModule = {
  summary:
    'load presets: fanin, fanout, pairs, conn-storm, retained; `bench sweep <preset>` climbs to the knee',
  run: benchCommand,
};
