// What runHarness takes: the run settings (RunOptions, all optional, or a ResolvedConfig from the
// config file), plus what only a caller in the same process can give: reporters, streams, a signal,
// scenarios built in memory. Defaults come from harness/config/defaults.ts, nowhere else.
import { applyOptions, resolveConfig, type ResolvedConfig, type RunOptions } from '../config/index.js';
import type { Reporter, ReporterContext } from '../reporters/index.js';
import type { DiffOptions } from '../diff/index.js';
import type { ResolvedScenario } from '../scenario/index.js';
import type { ShardSetting } from '../shard/index.js';

/** Streams and environment for built-in reporters (a name in `reporters` needs them). */
export type ReporterOutput = Omit<ReporterContext, 'outputDir'>;

export interface HarnessOptions extends Omit<RunOptions, 'reporters'> {
  /**
   * The resolved config (what the CLI passes): its settings apply where no option above is given,
   * and its named targets can be used as target specs.
   */
  config?: ResolvedConfig;
  /**
   * Scenarios built in memory (a `harness bench` preset). They run as given: the name, tag and
   * version filters apply to the files of `paths` only. With them, `paths` defaults to none.
   */
  scenarios?: readonly ResolvedScenario[];
  /**
   * Reporter objects and/or built-in names ('list', 'json', ...). Default: the config's reporters
   * when `config` is given, else none.
   */
  reporters?: Reporter | readonly (Reporter | string)[];
  /** Where built-in reporters print; required when `reporters` names one. */
  output?: ReporterOutput;
  signal?: AbortSignal;
  cwd?: string;
  /** Keep every packet sent and received, by step, in each scenario result (`transcript`). */
  transcripts?: boolean;
  /**
   * A differential run: transcripts are kept and the result gets a `diff` part comparing every
   * target with the baseline (the first target unless named). Needs two targets or more.
   */
  diff?: DiffOptions;
  /** Run only this shard of every load (`--shard I/N`); the shards' results merge exactly. */
  shard?: ShardSetting;
}

/** Every setting of the run resolved: defaults ← config ← options. Throws ConfigError on a bad value. */
export function resolveSettings(options: HarnessOptions, cwd: string): ResolvedConfig {
  const base = options.config ?? resolveConfig({}, {}, { cwd, isTTY: false, env: {} });
  const {
    config: _config,
    scenarios,
    reporters: _reporters,
    output: _output,
    transcripts: _transcripts,
    diff: _diff,
    shard: _shard,
    ...settings
  } = options;
  const withPaths =
    scenarios !== undefined && settings.paths === undefined ? { ...settings, paths: [] } : settings;
  return applyOptions(base, withPaths, cwd);
}

/** The reporters asked for: objects as given, names to be built. */
export function requestedReporters(
  options: HarnessOptions,
  settings: ResolvedConfig,
): readonly (Reporter | string)[] {
  const given = options.reporters;
  if (given === undefined) return options.config ? settings.reporters : [];
  return isList(given) ? given : [given];
}

function isList(value: Reporter | readonly (Reporter | string)[]): value is readonly (Reporter | string)[] {
  return Array.isArray(value);
}
