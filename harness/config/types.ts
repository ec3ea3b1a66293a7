// ResolvedConfig: every field set (defaults ← config file ← command line), frozen.
import type { TargetConfig } from '../targets/types.js';
import type { MqttVersion } from '../vocabulary.js';

export type { MqttVersion };

/** A target from the config file, with the directory its relative option paths refer to. */
export interface NamedTargetConfig extends TargetConfig {
  baseDir: string;
}

export interface ResolvedConfig {
  /** Absolute path of the config file, or null when none was found. */
  configFile: string | null;
  /** Directory of the config file, else the working directory. */
  rootDir: string;
  /** Absolute scenario paths. */
  paths: string[];
  targets: Readonly<Record<string, NamedTargetConfig>>;
  /** Target specs to run (names, kinds or URLs). */
  selectedTargets: string[];
  profiles: string[];
  mqtt: MqttVersion[];
  tags: string[];
  grep: string | null;
  bail: boolean;
  workers: number;
  timeouts: { step: number; scenario: number };
  reporters: string[];
  /** Absolute. */
  outputDir: string;
}

/** What the command line may override; each field replaces the config file's value. */
export interface CliOverrides {
  configFile?: string;
  paths?: string[];
  targets?: string[];
  profiles?: string[];
  mqtt?: MqttVersion[];
  tags?: string[];
  grep?: string;
  bail?: boolean;
  workers?: number;
  timeouts?: { step?: number; scenario?: number };
  reporters?: string[];
  outputDir?: string;
}

/** The environment resolution depends on (never read from process globals in library code). */
export interface ResolveEnvironment {
  cwd: string;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}
