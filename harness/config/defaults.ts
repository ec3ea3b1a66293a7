// Every default in one place (docs/cli.md lists them).
import { availableParallelism } from 'node:os';
import type { ResolveEnvironment } from './types.js';
import { MQTT_VERSIONS, type MqttVersion } from '../vocabulary.js';

export const CONFIG_FILE_NAMES = [
  'harness.config.ts',
  'harness.config.mts',
  'harness.config.js',
  'harness.config.mjs',
  'harness.config.yaml',
  'harness.config.yml',
  'harness.config.json',
] as const;

export const DEFAULTS = {
  paths: ['scenarios'],
  selectedTargets: ['reference'] as string[],
  profiles: [] as string[],
  mqtt: [...MQTT_VERSIONS] as MqttVersion[],
  tags: [] as string[],
  grep: null,
  bail: false,
  timeouts: { step: 5000, scenario: 30000 },
  outputDir: 'reports',
  /** No placement: brokers and load workers run where the scheduler puts them. */
  brokerCpus: null,
  generatorCpus: null,
} as const;

/** Scenarios are isolated by topic prefix, so they may run in parallel; at most 4 by default. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** `list` on a terminal, `dot` in CI or when piped; the json report is always written. */
export function defaultReporters(environment: Pick<ResolveEnvironment, 'isTTY' | 'env'>): string[] {
  const console = environment.isTTY && !environment.env['CI'] ? 'list' : 'dot';
  return [console, 'json'];
}

/** `harness bench`: the detailed load figures on the console; files only when asked for. */
export function defaultBenchReporters(): string[] {
  return ['bench'];
}
