// `harness run [paths...]`: resolve config and flags, build the reporters, call runHarness, and map
// the result to an exit code (0 all passed; 1 a scenario, load or threshold failed, a load was
// inconclusive (unless --inconclusive warn), or the run was interrupted; 2 invalid input; 3 internal
// error).
import { loadConfig, type CliOverrides } from '../../config/index.js';
import type { RunResult } from '../../result/index.js';
import {
  COMMON_OPTIONS,
  checkChoices,
  checkRegExp,
  formatHelp,
  getFlag,
  getInteger,
  getList,
  getString,
  parseCommandLine,
  reportError,
  type OptionTable,
  type OptionValues,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { WrittenFiles } from '../shared.js';
import { launcherProgress, SHARD_OPTIONS, shardFlags } from '../shard-flags.js';
import { launchAndReport } from '../shard-launch.js';

export const RUN_OPTIONS: OptionTable = {
  target: {
    type: 'string',
    short: 't',
    multiple: true,
    value: 'SPEC',
    description:
      'reference, mosquitto, aedes, rabbitmq, activemq, ejabberd, a URL (mqtt://, mqtts://, ws://, wss://) or a configured name (default: reference)',
  },
  profile: {
    type: 'string',
    short: 'p',
    multiple: true,
    value: 'NAME',
    description: 'network profile to run under',
  },
  workers: {
    type: 'string',
    short: 'w',
    value: 'N',
    description: 'scenarios run in parallel (default: CPUs, at most 4)',
  },
  bail: { type: 'boolean', description: 'stop after the first failure' },
  grep: { type: 'string', short: 'g', value: 'REGEXP', description: 'only scenarios whose name matches' },
  tag: { type: 'string', multiple: true, value: 'TAG', description: 'only scenarios with this tag' },
  mqtt: {
    type: 'string',
    multiple: true,
    value: 'VERSION',
    description: 'only this MQTT version: 3.1.1 or 5.0',
  },
  reporter: {
    type: 'string',
    short: 'r',
    multiple: true,
    value: 'NAME',
    description:
      'list, dot, json, junit, markdown, html (default: list on a terminal, dot otherwise; json always)',
  },
  'output-dir': {
    type: 'string',
    short: 'o',
    value: 'DIR',
    description: 'where report files go (default: reports/)',
  },
  baseline: {
    type: 'string',
    value: 'TARGET',
    description: 'the target the comparison tables compare the others with (default: the first target)',
  },
  inconclusive: {
    type: 'string',
    value: 'fail|warn',
    description:
      'an inconclusive load (figures the machine cannot vouch for) fails the run (default) or only warns',
  },
  'broker-cpus': {
    type: 'string',
    value: 'LIST',
    description:
      'run every broker the harness starts on these CPUs (taskset), e.g. 0 or 0-1; not the embedded reference broker',
  },
  'generator-cpus': {
    type: 'string',
    value: 'LIST',
    description: "pin every load's worker threads to these CPUs, e.g. 1 or 2,3 (loads with workers ≥ 1)",
  },
  timeout: { type: 'string', value: 'MS', description: 'per-scenario time limit (default 30000)' },
  'step-timeout': { type: 'string', value: 'MS', description: 'default wait of a step (default 5000)' },
  ...SHARD_OPTIONS,
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness run [paths...] [options]',
  'Run conformance and load scenarios (files or directories; default: scenarios/) against one or more targets.',
  RUN_OPTIONS,
  'Exit codes: 0 all passed (skips, warnings and known deviations allowed), 1 a scenario/load/threshold failed,\na load was inconclusive (unless --inconclusive warn) or the run was interrupted, 2 invalid input or usage, 3 internal error.',
);

/** Command-line flags → config overrides (validated; throws UsageError). */
export function runOverrides(values: OptionValues, positionals: string[]): CliOverrides {
  const overrides: CliOverrides = {};
  const set = <K extends keyof CliOverrides>(key: K, value: CliOverrides[K] | undefined): void => {
    if (value !== undefined) overrides[key] = value;
  };
  set('configFile', getString(values, 'config'));
  if (positionals.length > 0) overrides.paths = positionals;
  const targets = getList(values, 'target');
  if (targets.length > 0) overrides.targets = targets;
  const profiles = getList(values, 'profile');
  if (profiles.length > 0) overrides.profiles = profiles;
  set('workers', getInteger('run', values, 'workers'));
  set('bail', getFlag(values, 'bail'));
  set('grep', checkRegExp('run', 'grep', getString(values, 'grep')));
  const tags = getList(values, 'tag');
  if (tags.length > 0) overrides.tags = tags;
  const mqtt = checkChoices('run', 'mqtt', getList(values, 'mqtt'), ['3.1.1', '5.0'] as const);
  if (mqtt.length > 0) overrides.mqtt = mqtt;
  const reporters = getList(values, 'reporter');
  if (reporters.length > 0) overrides.reporters = reporters;
  set('outputDir', getString(values, 'output-dir'));
  Object.assign(overrides, placementOverrides(values));
  const scenario = getInteger('run', values, 'timeout');
  const step = getInteger('run', values, 'step-timeout');
  if (scenario !== undefined || step !== undefined) {
    overrides.timeouts = {
      ...(scenario === undefined ? {} : { scenario }),
      ...(step === undefined ? {} : { step }),
    };
  }
  return overrides;
}

/** --broker-cpus and --generator-cpus (checked when the config resolves: a bad list is exit 2). */
export function placementOverrides(values: OptionValues): Pick<CliOverrides, 'brokerCpus' | 'generatorCpus'> {
  const broker = getString(values, 'broker-cpus');
  const generator = getString(values, 'generator-cpus');
  return {
    ...(broker === undefined ? {} : { brokerCpus: broker }),
    ...(generator === undefined ? {} : { generatorCpus: generator }),
  };
}

/** What an inconclusive load does to the exit code: `fail` (default) exits 1, `warn` only reports it. */
export type InconclusiveMode = 'fail' | 'warn';

/** The --inconclusive flag (UsageError on anything but fail or warn). */
export function inconclusiveMode(command: string, values: OptionValues): InconclusiveMode {
  const [mode = 'fail'] = checkChoices(command, 'inconclusive', getList(values, 'inconclusive'), [
    'fail',
    'warn',
  ] as const);
  return mode;
}

/**
 * 0 when nothing failed (skips, warnings and known deviations allowed); 1 otherwise, when
 * interrupted, or when a load or a rate sweep was inconclusive (unless `inconclusive` is 'warn').
 */
export function exitCodeForResult(result: RunResult, inconclusive: InconclusiveMode = 'fail'): number {
  const { failed, loadsFailed } = result.summary;
  if (failed > 0 || loadsFailed > 0 || result.interrupted !== undefined) return EXIT.failed;
  const inconclusiveLoad =
    result.loads.some((load) => load.verdict === 'inconclusive') ||
    (result.sweeps ?? []).some((sweep) => sweep.verdict === 'inconclusive');
  if (inconclusive === 'fail' && inconclusiveLoad) return EXIT.failed;
  return EXIT.ok;
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine('run', argv, RUN_OPTIONS);
    if (getFlag(values, 'help')) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    const flags = shardFlags(values, io.env);
    const inconclusive = inconclusiveMode('run', values);
    const config = await loadConfig(runOverrides(values, positionals), {
      cwd: io.cwd,
      isTTY: io.isTTY,
      env: io.env,
    });
    if (flags.processes !== undefined) {
      const merged = await launchAndReport(
        {
          command: 'run',
          argv,
          processes: flags.processes,
          config,
          targets: config.selectedTargets.filter((spec): spec is string => typeof spec === 'string'),
          reporters: config.reporters,
          outputDir: config.outputDir,
        },
        io,
      );
      return exitCodeForResult(merged, inconclusive);
    }
    // Loaded here, not at the top: `harness --help` and usage errors need none of the runner.
    const { runHarness } = await import('../../api.js');
    const written = new WrittenFiles(io);
    const progress =
      io.env['HARNESS_SHARD_CHILD'] === '1' ? launcherProgress(process.send?.bind(process)) : undefined;
    // The plan checks targets, profiles, scenarios and reporters first: a problem is exit 2, nothing started.
    const baselineTarget = getString(values, 'baseline');
    const output = {
      ...written.output(),
      ...(baselineTarget === undefined ? {} : { baselineTarget }),
    };
    const result = await runHarness({
      config,
      cwd: io.cwd,
      signal: io.signal,
      output,
      ...(progress === undefined ? {} : { reporters: [...config.reporters, progress] }),
      ...(flags.shard === undefined ? {} : { shard: flags.shard }),
    });
    written.print();
    return exitCodeForResult(result, inconclusive);
  } catch (error) {
    return reportError('run', error, io.stderr);
  }
}

export const command: CommandModule = {
  summary: 'run scenarios against targets and write reports',
  run: runCommand,
};
