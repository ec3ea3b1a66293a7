// Merges defaults ← config file ← options (command line or API) into a frozen ResolvedConfig. Lists
// given as options replace the config file's lists; relative paths in the config file are relative
// to the file, those in the options to the working directory. Every value is checked here, once.
import { dirname, resolve } from 'node:path';
import { checkCpuList } from '../placement/index.js';
import { DEFAULTS, defaultReporters, defaultWorkers } from './defaults.js';
import { ConfigError } from './errors.js';
import { loadConfigFile } from './load.js';
import type { UserConfig } from './schema.js';
import type {
  CliOverrides,
  NamedTargetConfig,
  ResolveEnvironment,
  ResolvedConfig,
  RunOptions,
} from './types.js';

/** Loads the config file (if any) and resolves it with the command-line overrides. */
export async function loadConfig(
  overrides: CliOverrides,
  environment: ResolveEnvironment,
): Promise<ResolvedConfig> {
  const { file, config } = await loadConfigFile(environment.cwd, overrides.configFile);
  return resolveConfig(config, overrides, environment, file);
}

/** Pure: no I/O. */
export function resolveConfig(
  user: UserConfig,
  overrides: RunOptions,
  environment: ResolveEnvironment,
  configFile: string | null = null,
): ResolvedConfig {
  return applyOptions(fileConfig(user, environment, configFile), overrides, environment.cwd);
}

/** Defaults ← config file. */
function fileConfig(
  user: UserConfig,
  environment: ResolveEnvironment,
  configFile: string | null,
): ResolvedConfig {
  const rootDir = configFile === null ? environment.cwd : dirname(configFile);
  const targets: Record<string, NamedTargetConfig> = {};
  for (const [name, target] of Object.entries(user.targets ?? {})) {
    targets[name] = { ...target, baseDir: rootDir };
  }
  return {
    configFile,
    rootDir,
    paths: (user.paths ?? DEFAULTS.paths).map((path) => resolve(rootDir, path)),
    targets,
    selectedTargets: [...(user.defaultTargets ?? DEFAULTS.selectedTargets)],
    profiles: [...(user.profiles ?? DEFAULTS.profiles)],
    mqtt: [...(user.mqtt ?? DEFAULTS.mqtt)],
    tags: [...(user.tags ?? DEFAULTS.tags)],
    grep: user.grep ?? DEFAULTS.grep,
    bail: user.bail ?? DEFAULTS.bail,
    workers: user.workers ?? defaultWorkers(),
    timeouts: {
      step: user.timeouts?.step ?? DEFAULTS.timeouts.step,
      scenario: user.timeouts?.scenario ?? DEFAULTS.timeouts.scenario,
    },
    reporters: withJson(user.reporters ?? defaultReporters(environment)),
    outputDir: resolve(rootDir, user.outputDir ?? DEFAULTS.outputDir),
    brokerCpus: DEFAULTS.brokerCpus,
    generatorCpus: DEFAULTS.generatorCpus,
  };
}

/**
 * A resolved config ← options: each option given replaces the value (an empty list keeps it, except
 * `paths`, where an empty list means "no scenario files"). Throws ConfigError listing every bad value.
 */
export function applyOptions(base: ResolvedConfig, options: RunOptions, cwd: string): ResolvedConfig {
  const mqtt = options.mqtt === undefined ? undefined : [options.mqtt].flat();
  const resolved: ResolvedConfig = {
    ...base,
    paths: options.paths === undefined ? base.paths : options.paths.map((path) => resolve(cwd, path)),
    selectedTargets: pickList(options.targets, base.selectedTargets),
    profiles: pickList(options.profiles, base.profiles),
    mqtt: pickList(mqtt, base.mqtt),
    tags: pickList(options.tags, base.tags),
    grep: options.grep ?? base.grep,
    bail: options.bail ?? base.bail,
    workers: options.workers ?? base.workers,
    timeouts: {
      step: options.timeouts?.step ?? base.timeouts.step,
      scenario: options.timeouts?.scenario ?? base.timeouts.scenario,
    },
    reporters: options.reporters === undefined ? base.reporters : withJson(options.reporters),
    outputDir: options.outputDir === undefined ? base.outputDir : resolve(cwd, options.outputDir),
    // Checked against the CPUs this process may use: a PlacementError (its own code), not a ConfigError.
    brokerCpus:
      options.brokerCpus === undefined ? base.brokerCpus : checkCpuList(options.brokerCpus, 'broker cpus'),
    generatorCpus:
      options.generatorCpus === undefined
        ? base.generatorCpus
        : checkCpuList(options.generatorCpus, 'generator cpus'),
  };
  const problems = checkValues(resolved);
  if (problems.length > 0) throw new ConfigError('options', 'invalid options', problems);
  return deepFreeze(resolved);
}

function checkValues(config: ResolvedConfig): string[] {
  const problems: string[] = [];
  const positive = (name: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value < 1)
      problems.push(`${name} must be a positive integer, got ${value}`);
  };
  positive('workers', config.workers);
  positive('timeouts.step', config.timeouts.step);
  positive('timeouts.scenario', config.timeouts.scenario);
  if (typeof config.grep === 'string') {
    try {
      new RegExp(config.grep);
    } catch (error) {
      problems.push(`grep is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return problems;
}

function pickList<T>(given: readonly T[] | undefined, fallback: readonly T[]): T[] {
  return given !== undefined && given.length > 0 ? [...given] : [...fallback];
}

/** The JSON report is canonical: always written, once. */
function withJson(reporters: readonly string[]): string[] {
  const unique = [...new Set(reporters)];
  return unique.includes('json') ? unique : [...unique, 'json'];
}

function deepFreeze<T>(value: T): T {
  // A RegExp stays mutable: a global one writes its lastIndex when it is used.
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof RegExp)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
