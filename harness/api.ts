// The programmatic API: runHarness(options) → RunResult. Loads and filters scenarios, starts the
// targets, applies network profiles, runs every scenario × target × version × profile on a worker
// pool, then the load scenarios, and hands the canonical result to the reporters. The CLI is a thin
// layer over this; library code never prints or exits.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from './config/types.js';
import { HarnessError } from './errors.js';
import { applyProfile } from './network/index.js';
import type { Reporter } from './reporters/types.js';
import {
  RESULT_SCHEMA_VERSION,
  type LoadResult,
  type ProfileInfo,
  type RunResult,
  type ScenarioResult,
  type TargetInfo,
} from './result/model.js';
import { summarize } from './result/summary.js';
import { runLoad } from './runner/load-run.js';
import { runPool } from './runner/pool.js';
import type { ScenarioInstance } from './runner/scenario-run.js';
import { instanceId } from './runner/scenario-run.js';
import { checkScenarios, loadScenarios } from './scenario/loader.js';
import type { MqttVersion, ResolvedScenario } from './scenario/types.js';
import { startTarget } from './targets/index.js';
import type { Endpoint, StartedTarget, TargetConfig } from './targets/types.js';

/** Part of the public surface (harness/index.ts exports it from here). */
export { summarize };

export interface HarnessOptions {
  /** Scenario files or directories. */
  paths: string[];
  /** Target specs: 'reference' | 'mosquitto' | 'aedes' | a URL | a configured name | a TargetConfig. Default ['reference']. */
  targets?: (string | TargetConfig)[];
  /** Network profiles; each target runs under each (default: none). */
  profiles?: string[];
  /** Scenarios run concurrently (default 4). */
  workers?: number;
  /** Stop after the first failure. */
  bail?: boolean;
  /** Only scenarios whose name matches (a RegExp source or a RegExp). */
  grep?: string | RegExp;
  /** Only scenarios with at least one of these tags. */
  tags?: string[];
  /** Only these MQTT versions. */
  mqtt?: MqttVersion | MqttVersion[];
  timeouts?: { step?: number; scenario?: number };
  reporters?: Reporter | Reporter[];
  signal?: AbortSignal;
  cwd?: string;
  /** Where file reporters write; passed through for reporters built by the caller. */
  outputDir?: string;
  /** The resolved config file (named targets). */
  config?: ResolvedConfig;
}

const DEFAULT_STEP_TIMEOUT = 5000;
const DEFAULT_SCENARIO_TIMEOUT = 30000;

/** Load and validate scenarios; throws ScenarioValidationError (HARNESS_SCENARIO_INVALID) listing every problem. */
export function loadScenarioFiles(paths: string[], cwd?: string): Promise<ResolvedScenario[]> {
  return loadScenarios(paths, cwd === undefined ? {} : { cwd });
}
export { loadScenarios, checkScenarios };

/** Every problem in the given scenario files (empty when all are valid). */
export async function validateScenarios(paths: string[], cwd?: string): Promise<string[]> {
  const { issues } = await checkScenarios(paths, cwd === undefined ? {} : { cwd });
  return issues.map(
    (i) => `${i.file}:${i.line}:${i.column}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`,
  );
}

/** The scenarios that would run, after filters (name, file, versions, tags, statements). */
export async function listScenarios(
  paths: string[],
  filters: Pick<HarnessOptions, 'grep' | 'tags' | 'mqtt' | 'cwd'> = {},
): Promise<ResolvedScenario[]> {
  const scenarios = await loadScenarios(paths, filters.cwd === undefined ? {} : { cwd: filters.cwd });
  return filterScenarios(scenarios, filters);
}

export function filterScenarios(
  scenarios: readonly ResolvedScenario[],
  filters: Pick<HarnessOptions, 'grep' | 'tags' | 'mqtt'>,
): ResolvedScenario[] {
  const grep =
    filters.grep === undefined
      ? undefined
      : typeof filters.grep === 'string'
        ? new RegExp(filters.grep)
        : filters.grep;
  const versions =
    filters.mqtt === undefined ? undefined : Array.isArray(filters.mqtt) ? filters.mqtt : [filters.mqtt];
  return scenarios.filter(
    (s) =>
      (!grep || grep.test(s.name)) &&
      (!filters.tags || filters.tags.length === 0 || filters.tags.some((t) => s.tags.includes(t))) &&
      (!versions || versions.length === 0 || s.versions.some((v) => versions.includes(v))),
  );
}

export async function runHarness(options: HarnessOptions): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd();
  const signal = options.signal ?? new AbortController().signal;
  const reporters =
    options.reporters === undefined
      ? []
      : Array.isArray(options.reporters)
        ? options.reporters
        : [options.reporters];
  const reporter = fanOut(reporters);
  const startedAt = new Date();
  const started = performance.now();
  const runId = randomBytes(3).toString('hex');

  const scenarios = filterScenarios(await loadScenarios(options.paths, { cwd }), options);
  const versionFilter =
    options.mqtt === undefined ? undefined : Array.isArray(options.mqtt) ? options.mqtt : [options.mqtt];
  const versionsOf = (s: ResolvedScenario): MqttVersion[] =>
    s.versions.filter((v) => !versionFilter || versionFilter.length === 0 || versionFilter.includes(v));
  const profiles = options.profiles && options.profiles.length > 0 ? options.profiles : ['none'];
  const workers = options.workers ?? 4;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new HarnessError('HARNESS_OPTIONS_INVALID', `workers must be a positive integer, got ${workers}`);
  }

  const targets: {
    spec: string | TargetConfig;
    started?: StartedTarget;
    error?: string;
    info: TargetInfo;
  }[] = [];
  const applied = new Map<
    string,
    { endpoint?: Endpoint; error?: string; info: () => ProfileInfo; close?: () => Promise<void> }
  >();
  const results: ScenarioResult[] = [];
  const loads: LoadResult[] = [];
  let interrupted: { reason: string } | undefined;
  const profileInfos = new Map<string, ProfileInfo>();

  try {
    for (const spec of options.targets && options.targets.length > 0 ? options.targets : ['reference']) {
      try {
        const target = await startTarget(spec, {
          cwd,
          signal,
          ...(options.config && { config: options.config }),
        });
        targets.push({ spec, started: target, info: targetInfo(target) });
      } catch (error) {
        if (signal.aborted) break;
        const name = typeof spec === 'string' ? spec : spec.kind;
        const message = error instanceof Error ? error.message : String(error);
        targets.push({
          spec,
          error: message,
          info: { name, kind: typeof spec === 'string' ? spec : spec.kind, url: '' },
        });
      }
    }

    if (targets.length > 0 && targets.every((t) => !t.started)) {
      throw new HarnessError(
        'HARNESS_TARGET_START_FAILED',
        `no target could be started:\n${targets.map((t) => `  ${t.info.name}: ${t.error ?? ''}`).join('\n')}`,
      );
    }

    const endpointFor = async (
      target: StartedTarget,
      profile: string,
    ): Promise<{ endpoint?: Endpoint; error?: string }> => {
      if (profile === 'none') return { endpoint: target.endpoint };
      const key = `${target.name}\u0000${profile}`;
      let entry = applied.get(key);
      if (!entry) {
        try {
          const done = await applyProfile(profile, target.endpoint, { cwd, signal });
          entry = { endpoint: done.endpoint, info: () => done.info(), close: () => done.close() };
        } catch (error) {
          entry = {
            error: `network profile '${profile}': ${error instanceof Error ? error.message : String(error)}`,
            info: () => ({ name: profile }),
          };
        }
        applied.set(key, entry);
      }
      return entry;
    };

    // Plan: every scenario × target × version × profile (a scenario's own profile replaces the list).
    const instances: ScenarioInstance[] = [];
    const loadPlan: {
      scenario: ResolvedScenario;
      version: MqttVersion;
      target: StartedTarget;
      profile: string;
      endpoint: Endpoint;
    }[] = [];
    const broken: ScenarioResult[] = [];
    let seq = 0;
    for (const entry of targets) {
      for (const scenario of scenarios) {
        for (const profile of scenario.profile !== undefined ? [scenario.profile] : profiles) {
          for (const version of versionsOf(scenario)) {
            if (!entry.started) {
              broken.push(
                unrunnable(
                  scenario,
                  version,
                  entry.info.name,
                  profile,
                  `target failed to start: ${entry.error ?? ''}`,
                ),
              );
              continue;
            }
            if (scenario.profile !== undefined && scenario.load === undefined) {
              // The scenario's own profile: applied per instance, right before it runs.
              const target = entry.started;
              const key = `${target.name}\u0000${profile}`;
              instances.push({
                scenario,
                version,
                target,
                endpoint: target.endpoint,
                profile,
                seq: seq++,
                prepare: async (instanceSignal) => {
                  const done = await applyProfile(profile, target.endpoint, {
                    cwd,
                    signal: instanceSignal,
                  }).catch((error: unknown) => {
                    throw new Error(
                      `network profile '${profile}': ${error instanceof Error ? error.message : String(error)}`,
                    );
                  });
                  return {
                    endpoint: done.endpoint,
                    release: async () => {
                      await done.close();
                      if (!profileInfos.has(key)) profileInfos.set(key, done.info());
                    },
                  };
                },
              });
              continue;
            }
            const { endpoint, error } = await endpointFor(entry.started, profile);
            if (!endpoint) {
              broken.push(unrunnable(scenario, version, entry.started.name, profile, error ?? 'no endpoint'));
              continue;
            }
            if (scenario.load !== undefined)
              loadPlan.push({ scenario, version, target: entry.started, profile, endpoint });
            else instances.push({ scenario, version, target: entry.started, endpoint, profile, seq: seq++ });
          }
        }
      }
    }

    reporter.onBegin?.({
      targets: targets.map((t) => t.info.name),
      profiles,
      total: instances.length + broken.length,
    });
    for (const result of broken) {
      results.push(result);
      reporter.onScenarioEnd?.(result);
    }
    const outcome = await runPool(instances, {
      runId,
      workers,
      bail: options.bail ?? false,
      stepTimeout: options.timeouts?.step ?? DEFAULT_STEP_TIMEOUT,
      scenarioTimeout: options.timeouts?.scenario ?? DEFAULT_SCENARIO_TIMEOUT,
      signal,
      onResult: (result) => reporter.onScenarioEnd?.(result),
    });
    results.push(...outcome.results);
    if (outcome.stopped === 'bail') interrupted = { reason: 'bail: stopped after the first failure' };
    if (signal.aborted) interrupted = { reason: 'interrupted' };

    for (const load of loadPlan) {
      if (interrupted) break;
      const result = await runLoad({ ...load, signal, reporter });
      loads.push(result);
      reporter.onLoadEnd?.(result);
      if (signal.aborted) interrupted = { reason: 'interrupted' };
    }
  } finally {
    // Closed first: the kernel backend's packet counters are read when it closes.
    await Promise.allSettled([...applied.values()].flatMap((entry) => (entry.close ? [entry.close()] : [])));
    for (const [key, entry] of applied) profileInfos.set(key, entry.info());
    await Promise.allSettled(targets.flatMap((entry) => (entry.started ? [entry.started.stop()] : [])));
  }

  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'mqtt-harness', version: toolVersion() },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    ...(interrupted && { interrupted }),
    targets: targets.map((t) => t.info),
    profiles: [
      ...new Set([...profiles, ...scenarios.flatMap((s) => (s.profile === undefined ? [] : [s.profile]))]),
    ]
      .filter((name) => name !== 'none' || profiles.includes('none'))
      .map((name) => mergeProfileInfo(name, profileInfos)),
    scenarios: results,
    loads,
    summary: summarize(results, loads),
  };
  await reporter.onEnd?.(result);
  return result;
}

function fanOut(reporters: Reporter[]): Reporter {
  // The caller's reporters are usually one multiplexer already; calling each in turn is enough here.
  return {
    onBegin: (info) => reporters.forEach((r) => r.onBegin?.(info)),
    onScenarioEnd: (result) => reporters.forEach((r) => r.onScenarioEnd?.(result)),
    onLoadProgress: (progress) => reporters.forEach((r) => r.onLoadProgress?.(progress)),
    onLoadEnd: (result) => reporters.forEach((r) => r.onLoadEnd?.(result)),
    onEnd: async (result) => {
      for (const r of reporters) await r.onEnd?.(result);
    },
  };
}

function targetInfo(target: StartedTarget): TargetInfo {
  return {
    name: target.name,
    kind: target.kind,
    url: target.url,
    ...(target.version !== undefined && { version: target.version }),
    ...(target.knownDeviations.length > 0 && {
      knownDeviations: target.knownDeviations.map((d) => ({
        scenario: d.scenario,
        statement: d.statement,
        description: d.description,
      })),
    }),
  };
}

/**
 * What the profile measured (taken before the profiles are closed): the first target's as
 * `measured`, and each target's in `byTarget` when there are several.
 */
function mergeProfileInfo(name: string, infos: ReadonlyMap<string, ProfileInfo>): ProfileInfo {
  // Keys are target NUL profile; named as the run named it (a path for a profile file).
  const entries = [...infos].filter(([key]) => key.endsWith(`\u0000${name}`));
  const first = entries[0];
  if (first === undefined) return { name };
  const byTarget = entries.flatMap(([key, info]) =>
    info.measured ? [{ target: key.slice(0, key.indexOf('\u0000')), measured: info.measured }] : [],
  );
  return { ...first[1], name, ...(byTarget.length > 1 && { byTarget }) };
}

function unrunnable(
  scenario: ResolvedScenario,
  version: MqttVersion,
  target: string,
  profile: string,
  reason: string,
): ScenarioResult {
  return {
    id: instanceId({ scenario, version, target: { name: target } as StartedTarget, profile }),
    name: scenario.name,
    file: scenario.file,
    ...(scenario.description !== undefined && { description: scenario.description }),
    target,
    profile,
    mqttVersion: version,
    statements: [...scenario.statements[version]],
    tags: [...scenario.tags],
    level: scenario.level,
    verdict: 'failed',
    reason,
    durationMs: 0,
  };
}

let cachedVersion: string | undefined;
function toolVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'mqtt-harness' && pkg.version) return (cachedVersion = pkg.version);
    } catch {
      // try the next location (source tree vs dist/)
    }
  }
  return (cachedVersion = '0.0.0');
}
