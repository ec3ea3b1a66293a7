// Public surface of the config module.
import type { UserConfig } from './schema.js';

export { loadConfig, resolveConfig, applyOptions } from './resolve.js';
export { loadConfigFile, findConfigFile } from './load.js';
export { ConfigError, type ConfigErrorReason } from './errors.js';
export {
  DEFAULTS,
  CONFIG_FILE_NAMES,
  defaultReporters,
  defaultBenchReporters,
  defaultWorkers,
} from './defaults.js';
export { UserConfigSchema, TargetConfigSchema, type UserConfig } from './schema.js';
export type {
  ResolvedConfig,
  CliOverrides,
  RunOptions,
  TargetSpec,
  ResolveEnvironment,
  NamedTargetConfig,
  MqttVersion,
} from './types.js';

/** Typed helper for harness.config.(m)js / .ts files: `export default defineConfig({ ... })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
