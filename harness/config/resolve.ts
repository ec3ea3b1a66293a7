// Merges defaults ← config file ← command line into a frozen ResolvedConfig. Lists on the command
// line replace the config file's lists; relative paths in the config file are relative to the file.
import { dirname, resolve } from 'node:path';
import { DEFAULTS, defaultReporters, defaultWorkers } from './defaults.js';
import { loadConfigFile } from './load.js';
import type { UserConfig } from './schema.js';
import type { CliOverrides, NamedTargetConfig, ResolveEnvironment, ResolvedConfig } from './types.js';

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
  overrides: CliOverrides,
  environment: ResolveEnvironment,
  configFile: string | null = null,
): ResolvedConfig {
  const cwd = environment.cwd;
  const rootDir = configFile === null ? cwd : dirname(configFile);
  const paths = overrides.paths?.length
    ? overrides.paths.map((path) => resolve(cwd, path))
    : (user.paths ?? DEFAULTS.paths).map((path) => resolve(rootDir, path));
  const outputDir =
    overrides.outputDir !== undefined
      ? resolve(cwd, overrides.outputDir)
      : resolve(rootDir, user.outputDir ?? DEFAULTS.outputDir);
  const targets: Record<string, NamedTargetConfig> = {};
  for (const [name, target] of Object.entries(user.targets ?? {})) {
    targets[name] = { ...target, baseDir: rootDir };
  }
  const reporters = withJson(overrides.reporters ?? user.reporters ?? defaultReporters(environment));
  const resolved: ResolvedConfig = {
    configFile,
    rootDir,
    paths,
    targets,
    selectedTargets: pickList(overrides.targets, user.defaultTargets, DEFAULTS.selectedTargets),
    profiles: pickList(overrides.profiles, user.profiles, DEFAULTS.profiles),
    mqtt: pickList(overrides.mqtt, user.mqtt, DEFAULTS.mqtt),
    tags: pickList(overrides.tags, user.tags, DEFAULTS.tags),
    grep: overrides.grep ?? user.grep ?? DEFAULTS.grep,
    bail: overrides.bail ?? user.bail ?? DEFAULTS.bail,
    workers: overrides.workers ?? user.workers ?? defaultWorkers(),
    timeouts: {
      step: overrides.timeouts?.step ?? user.timeouts?.step ?? DEFAULTS.timeouts.step,
      scenario: overrides.timeouts?.scenario ?? user.timeouts?.scenario ?? DEFAULTS.timeouts.scenario,
    },
    reporters,
    outputDir,
  };
  return deepFreeze(resolved);
}

function pickList<T>(cli: T[] | undefined, file: T[] | undefined, fallback: readonly T[]): T[] {
  if (cli !== undefined && cli.length > 0) return [...cli];
  return [...(file ?? fallback)];
}

/** The JSON report is canonical: always written, once. */
function withJson(reporters: readonly string[]): string[] {
  const unique = [...new Set(reporters)];
  return unique.includes('json') ? unique : [...unique, 'json'];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
