// Step 1 of a run: the plan. It resolves and checks everything before anything starts: the options,
// the scenarios (files and in-memory), the targets (spec, options, deviations file, binary installed,
// URL reachable), the network profiles (names and files, parsed and validated), and the reporters.
// Every problem is a coded HarnessError; several are reported together (PlanError). Nothing is
// started and nothing is written: a failed plan leaves no broker, proxy or file behind.
import type { ResolvedConfig, TargetSpec } from '../config/index.js';
import type { ShardSetting } from '../shard/index.js';
import { DIFF_DEFAULTS, type DiffOptions, type DiffSettings } from '../diff/index.js';
import { HarnessError, PlanError } from '../errors.js';
import { validateLoadSection } from '../load/index.js';
import { loadProfile, type ResolvedProfile } from '../network/index.js';
import { PlacementError, tasksetPath } from '../placement/index.js';
import { createBuiltInReporter, multiplex, REPORTER_NAMES, type NamedReporter } from '../reporters/index.js';
import type { Reporter } from '../reporters/index.js';
import { loadScenarios, scopeProblems } from '../scenario/index.js';
import type { MqttVersion, ResolvedScenario } from '../scenario/index.js';
import { checkTarget, resolveTargetSpec } from '../targets/index.js';
import { filterScenarios, selectedVersions } from './filter.js';
import { orderLoads, type PlannedLoad } from './load-order.js';
import { requestedReporters, resolveSettings, type HarnessOptions } from './options.js';

/** The profile name that means "straight to the target". */
export const NO_PROFILE = 'none';

export interface PlannedTarget {
  spec: TargetSpec;
  /** The name results carry (a redacted URL, a configured name, a kind). */
  name: string;
}

export interface PlannedProfile {
  /** As the run names it: a built-in name or a file path; 'none' for no profile. */
  name: string;
  /** Parsed and validated; absent for 'none'. */
  resolved?: ResolvedProfile;
}

/** One scenario (or load) × target × MQTT version × profile. */
export interface PlannedRun {
  scenario: ResolvedScenario;
  version: MqttVersion;
  target: PlannedTarget;
  profile: PlannedProfile;
  /** The scenario's own profile: applied right before the instance runs, so its schedule counts from there. */
  perInstance: boolean;
}

export interface RunPlan {
  cwd: string;
  signal: AbortSignal;
  settings: ResolvedConfig;
  scenarios: readonly ResolvedScenario[];
  targets: readonly PlannedTarget[];
  /** The run's profiles ('none' when none is given). */
  profiles: readonly string[];
  /** Every profile the result lists: the run's, then the scenarios' own. */
  resultProfiles: readonly string[];
  runs: readonly PlannedRun[];
  /** The runs with a load, in the order they run: targets interleaved, repetitions expanded. */
  loads: readonly PlannedLoad[];
  reporter: Reporter;
  /** Keep per-step packet transcripts in the scenario results. */
  transcripts: boolean;
  /** A differential run: compare every target with the baseline once the result is assembled. */
  diff?: DiffSettings;
  /** This process runs one shard of every load. */
  shard?: ShardSetting;
}

export async function planRun(options: HarnessOptions): Promise<RunPlan> {
  const cwd = options.cwd ?? process.cwd();
  const signal = options.signal ?? new AbortController().signal;
  const problems: HarnessError[] = [];
  const attempt = async <T>(work: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      problems.push(...planProblems(error));
      return undefined;
    }
  };
  const settings = resolveSettings(options, cwd); // a bad option is fatal: the rest depends on them
  const reporter = await attempt(() => buildReporter(options, settings));
  const targets = await attempt(() => planTargets(settings, cwd));
  const profiles = settings.profiles.length > 0 ? settings.profiles : [NO_PROFILE];
  const runProfiles = await attempt(() => planProfiles(profiles, cwd));
  const fromFiles =
    settings.paths.length === 0
      ? []
      : ((await attempt(() =>
          loadScenarios(settings.paths, { cwd, targets: Object.keys(settings.targets) }),
        )) ?? []);
  const inMemory = options.scenarios ?? [];
  for (const scenario of inMemory) await attempt(() => checkInMemory(scenario, settings, cwd));
  const scenarios = [...filterScenarios(fromFiles, settings), ...inMemory];
  if (settings.generatorCpus !== null) {
    await attempt(() => tasksetPath());
    for (const scenario of scenarios) await attempt(() => checkGeneratorCpus(scenario));
  }
  const ownProfiles = new Map<ResolvedScenario, PlannedProfile>();
  for (const scenario of scenarios) {
    const name = scenario.profile;
    if (name === undefined) continue;
    const own = await attempt(() => planScenarioProfile(scenario, name, cwd));
    if (own) ownProfiles.set(scenario, own);
  }
  const diff = targets && options.diff ? await attempt(() => planDiff(options.diff!, targets)) : undefined;
  throwAll(problems);
  if (reporter === undefined || targets === undefined || runProfiles === undefined)
    throw new Error('plan: a step failed without a problem'); // unreachable: throwAll threw
  const versionsOf = (s: ResolvedScenario): MqttVersion[] =>
    inMemory.includes(s) ? [...s.versions] : selectedVersions(s, settings.mqtt);
  const runs: PlannedRun[] = [];
  for (const target of targets) {
    for (const scenario of scenarios) {
      const own = ownProfiles.get(scenario);
      for (const profile of own ? [own] : runProfiles) {
        for (const version of versionsOf(scenario)) {
          runs.push({
            scenario,
            version,
            target,
            profile,
            perInstance: own !== undefined && scenario.load === undefined,
          });
        }
      }
    }
  }
  const resultProfiles = [
    ...new Set([...profiles, ...[...ownProfiles.values()].map((profile) => profile.name)]),
  ];
  return {
    cwd,
    signal,
    settings,
    scenarios,
    targets,
    profiles,
    resultProfiles,
    runs,
    loads: orderLoads(runs),
    reporter,
    transcripts: options.transcripts === true || diff !== undefined,
    ...(diff && { diff }),
    ...(options.shard && { shard: options.shard }),
  };
}

/** The diff settings: two targets or more, a baseline among them, positive tolerances. */
function planDiff(options: DiffOptions, targets: readonly PlannedTarget[]): DiffSettings {
  const names = targets.map((target) => target.name);
  if (names.length < 2)
    throw new HarnessError(
      'HARNESS_OPTIONS_INVALID',
      `a diff needs two targets or more (got ${names.join(', ') || 'none'})`,
    );
  const baseline = options.baseline ?? names[0]!;
  if (!names.includes(baseline)) {
    throw new HarnessError(
      'HARNESS_OPTIONS_INVALID',
      `diff baseline '${baseline}' is not one of the targets (${names.join(', ')})`,
    );
  }
  const timingToleranceMs = options.timingToleranceMs ?? DIFF_DEFAULTS.timingToleranceMs;
  const timingFactor = options.timingFactor ?? DIFF_DEFAULTS.timingFactor;
  if (!(timingToleranceMs >= 0) || !(timingFactor >= 1))
    throw new HarnessError(
      'HARNESS_OPTIONS_INVALID',
      'diff timing tolerance must be ≥ 0 ms and its factor ≥ 1',
    );
  return { baseline, timingToleranceMs, timingFactor };
}

async function planTargets(settings: ResolvedConfig, cwd: string): Promise<PlannedTarget[]> {
  const targets: PlannedTarget[] = [];
  const problems: HarnessError[] = [];
  for (const spec of settings.selectedTargets) {
    try {
      const { name } = resolveTargetSpec(spec, { cwd, config: settings });
      // The options fit the kind, the deviations file parses, the binary is installed, a URL answers.
      await checkTarget(spec, {
        cwd,
        config: settings,
        installed: true,
        ...(settings.brokerCpus === null ? {} : { cpus: settings.brokerCpus }),
      });
      if (targets.some((target) => target.name === name))
        throw new HarnessError('HARNESS_OPTIONS_INVALID', `target '${name}' is given twice`);
      targets.push({ spec, name });
    } catch (error) {
      problems.push(asPlanProblem(error));
    }
  }
  throwAll(problems);
  return targets;
}

async function planProfiles(names: readonly string[], cwd: string): Promise<PlannedProfile[]> {
  const planned: PlannedProfile[] = [];
  const problems: HarnessError[] = [];
  for (const name of names) {
    try {
      if (planned.some((profile) => profile.name === name))
        throw new HarnessError('HARNESS_OPTIONS_INVALID', `network profile '${name}' is given twice`);
      planned.push(name === NO_PROFILE ? { name } : { name, resolved: await loadProfile(name, cwd) });
    } catch (error) {
      problems.push(asPlanProblem(error));
    }
  }
  throwAll(problems);
  return planned;
}

/** A scenario's own `profile:`, loaded by the network module (it knows where profile files live). */
async function planScenarioProfile(
  scenario: ResolvedScenario,
  name: string,
  cwd: string,
): Promise<PlannedProfile> {
  try {
    return { name, resolved: await loadProfile(name, cwd) };
  } catch (error) {
    const problem = asPlanProblem(error);
    throw new HarnessError(problem.code, `${scenario.location}: profile: ${problem.message}`, {
      cause: error,
    });
  }
}

/** Scenarios built in memory did not pass through the loader: check their load section here. */
async function checkInMemory(
  scenario: ResolvedScenario,
  settings: ResolvedConfig,
  cwd: string,
): Promise<void> {
  if (scenario.load === undefined) return;
  const errors = validateLoadSection(scenario.load);
  const scopes = await scopeProblems(scenario.load.thresholds ?? [], Object.keys(settings.targets), (name) =>
    loadProfile(name, cwd).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    ),
  );
  errors.push(...scopes.map(({ index, key, message }) => `thresholds[${index}].${key}: ${message}`));
  if (errors.length > 0) {
    throw new HarnessError(
      'HARNESS_SCENARIO_INVALID',
      `invalid load '${scenario.name}':\n${errors.map((error) => `  ${error}`).join('\n')}`,
    );
  }
}

/** `--generator-cpus` pins every load's worker threads: a load in the main thread has none to pin. */
function checkGeneratorCpus(scenario: ResolvedScenario): void {
  if (scenario.load?.workers !== 0) return;
  throw new PlacementError(
    'unpinnable',
    `load '${scenario.name}': generator cpus: with workers: 0 the load runs in the harness's main thread, which is not pinned; use workers: 1 or more`,
  );
}

function buildReporter(options: HarnessOptions, settings: ResolvedConfig): Reporter {
  const requested = requestedReporters(options, settings);
  const named: NamedReporter[] = [];
  let objects = 0;
  for (const entry of requested) {
    if (typeof entry !== 'string') {
      named.push({ name: `reporter ${++objects}`, reporter: entry });
      continue;
    }
    if (!REPORTER_NAMES.includes(entry)) {
      throw new HarnessError(
        'HARNESS_REPORTER_UNKNOWN',
        `unknown reporter '${entry}' (known: ${REPORTER_NAMES.join(', ')})`,
      );
    }
    if (options.output === undefined) {
      throw new HarnessError(
        'HARNESS_OPTIONS_INVALID',
        `reporter '${entry}' needs 'output' (the streams it writes to)`,
      );
    }
    if (named.some((reporter) => reporter.name === entry)) continue;
    named.push({
      name: entry,
      reporter: createBuiltInReporter(entry, { ...options.output, outputDir: settings.outputDir }),
    });
  }
  return multiplex(named, options.output ?? {});
}

function planProblems(error: unknown): readonly HarnessError[] {
  return error instanceof PlanError ? error.problems : [asPlanProblem(error)];
}

/** Every planning problem as a coded HarnessError; anything else is a bug and is rethrown. */
function asPlanProblem(error: unknown): HarnessError {
  // NetworkError, LoadConfigError, ... are HarnessErrors with their catalogue code.
  if (error instanceof HarnessError) return error;
  throw error;
}

function throwAll(problems: readonly HarnessError[]): void {
  const [first, ...rest] = problems;
  if (first !== undefined) throw rest.length === 0 ? first : new PlanError([first, ...rest]);
}
