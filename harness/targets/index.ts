// Public surface of targets: startTarget turns a spec into a running (or reachable) broker.
// A spec is a built-in kind (BUILT_IN_TARGETS: reference, mosquitto, aedes, rabbitmq, activemq,
// ejabberd), a URL (mqtt://, mqtts://, ws://, wss://), a target name from the config file, or a
// TargetConfig object.
import { performance } from 'node:perf_hooks';
import { checkCpuList, PlacementError, processCpus, sameCpus, tasksetPath } from '../placement/index.js';
import { loadDeviations } from './deviations.js';
import { TargetError } from './errors.js';
import type { TargetKind } from './kind.js';
import type { TargetSettings } from './settings.js';
import type { StartedTarget, TargetConfig } from './types.js';
import { looksLikeUrl, redact } from './url.js';

export type {
  StartedTarget,
  TargetConfig,
  Capability,
  Endpoint,
  KnownDeviation,
  Transport,
} from './types.js';
export { TargetError, type TargetErrorReason } from './errors.js';
export { ALL_CAPABILITIES } from './kind.js';
export { loadDeviations, parseDeviations } from './deviations.js';
export { describeStoppedTarget } from './evidence.js';
export { REFERENCE_PROCESS } from './reference-process.js';
export {
  TargetSettingsSchema,
  settingsKey,
  type TargetSettings,
  type AclGrant,
  type Configured,
} from './settings.js';

type AnyKind = TargetKind<never>;

/** Loaded on demand: running against mosquitto does not load the reference broker, and back. */
const KINDS: Record<string, () => Promise<AnyKind>> = {
  reference: async () => (await import('./reference.js')).referenceTarget as AnyKind,
  mosquitto: async () => (await import('./mosquitto.js')).mosquittoTarget as AnyKind,
  aedes: async () => (await import('./aedes.js')).aedesTarget as AnyKind,
  rabbitmq: async () => (await import('./rabbitmq.js')).rabbitmqTarget as AnyKind,
  activemq: async () => (await import('./activemq.js')).activemqTarget as AnyKind,
  ejabberd: async () => (await import('./ejabberd.js')).ejabberdTarget as AnyKind,
  url: async () => (await import('./url.js')).urlTarget as AnyKind,
  command: async () => (await import('./command.js')).commandTarget as AnyKind,
};

/** Kinds that can be named on the command line without options. */
export const BUILT_IN_TARGETS = Object.keys(KINDS).filter((kind) => kind !== 'url' && kind !== 'command');
export const TARGET_KINDS = Object.keys(KINDS);

/**
 * Whether `name` can mean a run's target: a kind, a target configured under one of `configured`, or
 * a URL (results name a URL target by its redacted URL).
 */
export function isTargetName(name: string, configured: readonly string[]): boolean {
  return name in KINDS || configured.includes(name) || looksLikeUrl(name);
}

/** A target from the config file, with the directory its relative option paths refer to. */
type NamedTargetConfig = TargetConfig & { baseDir: string };

/** What targets need of the resolved config (targets does not import the config module). */
export interface ConfiguredTargets {
  readonly targets: Readonly<Record<string, NamedTargetConfig>>;
}

export interface StartTargetOptions {
  signal?: AbortSignal;
  cwd: string;
  config?: ConfiguredTargets;
  /** Start an instance configured with these settings (config files go to `settingsDir`). */
  settings?: { values: TargetSettings; dir: string };
  /**
   * The run's broker CPUs (`--broker-cpus`): for every target the harness starts, in place of the
   * target's own `cpus`. A URL target keeps its own (which the plan refuses).
   */
  cpus?: string | undefined;
}

/** The CPUs a target's broker is to run on: the run's setting for a broker the harness starts, else its own. */
export function targetCpus(config: TargetConfig, runCpus: string | undefined): string | undefined {
  if (config.kind === 'url') return config.cpus;
  return runCpus ?? config.cpus;
}

export interface ResolvedTargetSpec {
  name: string;
  config: TargetConfig;
  baseDir: string;
}

/** Which target a spec means, without starting it. Throws TargetError (reason 'unknown'). */
export function resolveTargetSpec(
  spec: string | TargetConfig,
  options: Pick<StartTargetOptions, 'cwd' | 'config'>,
): ResolvedTargetSpec {
  if (typeof spec !== 'string') return { name: spec.kind, config: spec, baseDir: options.cwd };
  const named: NamedTargetConfig | undefined = options.config?.targets[spec];
  if (named !== undefined) {
    const { baseDir, ...config } = named;
    return { name: spec, config, baseDir };
  }
  if (spec in KINDS && spec !== 'url' && spec !== 'command') {
    return { name: spec, config: { kind: spec }, baseDir: options.cwd };
  }
  if (looksLikeUrl(spec)) {
    return { name: redact(spec), config: { kind: 'url', options: { url: spec } }, baseDir: options.cwd };
  }
  const names = Object.keys(options.config?.targets ?? {});
  throw new TargetError(
    'unknown',
    `unknown target '${spec}': use ${BUILT_IN_TARGETS.join(', ')}, a URL (mqtt://host:port, mqtts://, ws://, wss://)` +
      (names.length > 0
        ? `, or a configured target (${names.join(', ')})`
        : ', or a target defined in harness.config.*'),
  );
}

export async function startTarget(
  spec: string | TargetConfig,
  options: StartTargetOptions,
): Promise<StartedTarget> {
  const { name, config, baseDir } = resolveTargetSpec(spec, options);
  const loadKind = KINDS[config.kind];
  if (loadKind === undefined) {
    throw new TargetError(
      'unknown',
      `target '${name}' has unknown kind '${config.kind}' (use ${TARGET_KINDS.join(', ')})`,
    );
  }
  const kind = await loadKind();
  const cpus = targetCpus(config, options.cpus);
  const context = { baseDir, signal: options.signal, cpus };
  let parsed = kind.parseOptions(config.options ?? {}, context);
  if (options.settings !== undefined) {
    const configured = kind.configure
      ? await kind.configure(parsed as never, options.settings.values, options.settings.dir)
      : { unsupported: `the harness cannot start a '${config.kind}' target with settings` };
    if ('unsupported' in configured) throw new TargetError('settings-unsupported', configured.unsupported);
    parsed = configured.options;
  }
  // Deviations first: a bad deviations file should fail before a broker process is started.
  const knownDeviations = await loadDeviations(config.deviations ?? config.kind, baseDir);
  const begin = performance.now();
  const started = await kind.startWith(name, parsed as never, context);
  // Kinds that know better (spawn to first CONNACK) set it themselves; otherwise the whole start.
  started.startupMs ??= Math.round(performance.now() - begin);
  if (cpus !== undefined) await checkPlaced(started, cpus);
  started.knownDeviations = knownDeviations;
  if (config.capabilities !== undefined) started.capabilities = new Set(config.capabilities);
  return started;
}

/**
 * Checks a target without starting it: the spec resolves, the options fit the kind, the deviations
 * file parses and, with `installed`, the broker binary or package is there. Throws TargetError.
 */
export async function checkTarget(
  spec: string | TargetConfig,
  options: Pick<StartTargetOptions, 'cwd' | 'config' | 'cpus'> & { installed?: boolean },
): Promise<void> {
  const { name, config, baseDir } = resolveTargetSpec(spec, options);
  const loadKind = KINDS[config.kind];
  if (loadKind === undefined) {
    throw new TargetError(
      'unknown',
      `target '${name}' has unknown kind '${config.kind}' (use ${TARGET_KINDS.join(', ')})`,
    );
  }
  const kind = await loadKind();
  const context = { baseDir };
  const parsed = kind.parseOptions(config.options ?? {}, context);
  await loadDeviations(config.deviations ?? config.kind, baseDir);
  const cpus = targetCpus(config, options.cpus);
  if (cpus !== undefined) {
    checkCpuList(cpus, `target '${name}': cpus`);
    const why = kind.unpinnable?.(parsed as never);
    if (why !== undefined) throw new PlacementError('unpinnable', `target '${name}': cpus ${cpus}: ${why}`);
    tasksetPath();
  }
  if (options.installed) await kind.preflight?.(parsed as never, context);
}

/**
 * The broker runs where it was asked to: its process's affinity, read back from /proc, is the list.
 * A kind that started no process of its own, or did not pass the CPUs on, is a failed start, not a
 * silently unpinned broker.
 */
async function checkPlaced(started: StartedTarget, cpus: string): Promise<void> {
  const applied = started.pid === undefined ? undefined : processCpus(started.pid);
  if (applied !== undefined && sameCpus(applied, cpus)) {
    started.cpus = applied;
    return;
  }
  await started.stop();
  throw new TargetError(
    'start-failed',
    started.pid === undefined
      ? `target '${started.name}': cpus ${cpus}: the harness started no broker process to pin`
      : `target '${started.name}': cpus ${cpus}: its process ${started.pid} runs on CPUs ${applied ?? 'unknown'}`,
  );
}
export * from './evidence.js';
export * from './pool.js';
export * from './settings.js';
export * from './types.js';
