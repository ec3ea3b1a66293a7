// The options shape, Vitest style: RunOptions has every setting optional (what the command line and
// the programmatic API give); ResolvedConfig has every setting set (defaults ← config file ← options)
// and is frozen. There is no third shape: runHarness takes RunOptions and/or a ResolvedConfig.
import type { TargetConfig } from '../targets/index.js';
import type { MqttVersion } from '../vocabulary.js';

export type { MqttVersion };

/** A target as the user names it: a kind, a URL, a configured name, or an inline TargetConfig. */
export type TargetSpec = string | TargetConfig;

/** A target from the config file, with the directory its relative option paths refer to. */
export interface NamedTargetConfig extends TargetConfig {
  baseDir: string;
}

/** Every run setting, optional. Each one given replaces the config file's value. */
export interface RunOptions {
  /** Scenario files or directories (relative to the working directory). */
  paths?: string[];
  /** Targets to run; default: the config's `defaultTargets`, else `reference`. */
  targets?: TargetSpec[];
  /** Network profiles; each target runs under each (default: none). */
  profiles?: string[];
  /** Only these MQTT versions. */
  mqtt?: MqttVersion | MqttVersion[];
  /** Only scenarios with at least one of these tags. */
  tags?: string[];
  /** Only scenarios whose name matches (a RegExp or its source). */
  grep?: string | RegExp;
  /** Stop after the first failure. */
  bail?: boolean;
  /** Scenarios run concurrently. */
  workers?: number;
  timeouts?: { step?: number; scenario?: number };
  /** Built-in reporter names. */
  reporters?: string[];
  /** Where file reporters write (relative to the working directory). */
  outputDir?: string;
  /** The CPUs of every broker the harness starts (a Linux CPU list), in place of each target's `cpus`. */
  brokerCpus?: string;
  /** The CPUs of every load's worker threads, in place of each load section's `cpus`. */
  generatorCpus?: string;
}

/** What the command line may override: every run setting, and which config file to read. */
export interface CliOverrides extends RunOptions {
  configFile?: string;
}

export interface ResolvedConfig {
  /** Absolute path of the config file, or null when none was found. */
  configFile: string | null;
  /** Directory of the config file, else the working directory. */
  rootDir: string;
  /** Absolute scenario paths. */
  paths: string[];
  targets: Readonly<Record<string, NamedTargetConfig>>;
  /** Target specs to run (names, kinds, URLs or inline configs). */
  selectedTargets: TargetSpec[];
  profiles: string[];
  mqtt: MqttVersion[];
  tags: string[];
  grep: string | RegExp | null;
  bail: boolean;
  workers: number;
  timeouts: { step: number; scenario: number };
  reporters: string[];
  /** Absolute. */
  outputDir: string;
  /** Checked CPU lists (docs/load.md "Placement"); null: each target's and load's own `cpus`. */
  brokerCpus: string | null;
  generatorCpus: string | null;
}

/** The environment resolution depends on (never read from process globals in library code). */
export interface ResolveEnvironment {
  cwd: string;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}
