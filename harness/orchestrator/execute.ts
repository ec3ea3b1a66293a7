// Step 2 of a run: execute the plan. Start the targets, put the network profiles in front of them,
// run the conformance instances on the worker pool, then the loads one after another, and stop
// everything at the end, whatever happened. Results go to the reporter as they arrive.
import { addInconclusive } from '../load/index.js';
import { randomBytes } from 'node:crypto';
import type { LoadResult, ProfileCheck, ScenarioResult, SweepResult, TargetInfo } from '../result/index.js';
import { runLoad } from '../runner/index.js';
import { runPool } from '../runner/index.js';
import { instanceId, type ScenarioInstance } from '../runner/index.js';
import type { Endpoint, StartedTarget } from '../targets/index.js';
import { NetworkLinks, type ProfileMeasurement } from './network.js';
import type { PlannedRun, RunPlan } from './plan.js';
import { isSweep, SweepCollector } from './sweeps.js';
import { startTargets, stopTargets, type TargetEntry } from './targets.js';
import { TargetVariants } from './variants.js';

export interface Execution {
  startedAt: Date;
  durationMs: number;
  interrupted?: { reason: string };
  targets: TargetInfo[];
  measurements: ProfileMeasurement[];
  scenarios: ScenarioResult[];
  loads: LoadResult[];
  sweeps: SweepResult[];
}

interface LoadRun {
  run: PlannedRun;
  target: StartedTarget;
  endpoint: Endpoint;
}

export async function executePlan(plan: RunPlan): Promise<Execution> {
  const startedAt = new Date();
  const started = performance.now();
  const { reporter, signal } = plan;
  const entries: TargetEntry[] = [];
  const links = new NetworkLinks(plan.cwd, signal);
  const variants = new TargetVariants(plan);
  const scenarios: ScenarioResult[] = [];
  const loads: LoadResult[] = [];
  const sweeps = new SweepCollector(plan.settings.generatorCpus);
  let interrupted: { reason: string } | undefined;
  try {
    await startTargets(plan, entries);
    const { instances, loadRuns, broken } = await bindRuns(plan, entries, links, variants);
    reporter.onBegin?.({
      targets: entries.map((entry) => entry.info.name),
      profiles: [...plan.profiles],
      total: instances.length + broken.length,
    });
    for (const result of broken) {
      scenarios.push(result);
      reporter.onScenarioEnd?.(result);
    }
    // A sharded run shards its loads; conformance scenarios run once, in shard 0.
    const outcome = await runPool(plan.shard !== undefined && plan.shard.index > 0 ? [] : instances, {
      runId: randomBytes(3).toString('hex'),
      workers: plan.settings.workers,
      bail: plan.settings.bail,
      stepTimeout: plan.settings.timeouts.step,
      scenarioTimeout: plan.settings.timeouts.scenario,
      signal,
      transcripts: plan.transcripts,
      onResult: (result) => reporter.onScenarioEnd?.(result),
    });
    scenarios.push(...outcome.results);
    if (outcome.stopped === 'bail') interrupted = { reason: 'bail: stopped after the first failure' };
    if (signal.aborted) interrupted = { reason: 'interrupted' };
    interrupted ??= await runLoads(plan, loadRuns, { links, sweeps, loads });
  } finally {
    await links.close(); // before the targets: a proxy closes its connections to them first
    await variants.stopAll();
    await stopTargets(entries);
  }
  return {
    startedAt,
    durationMs: Math.round(performance.now() - started),
    ...(interrupted && { interrupted }),
    targets: entries.map((entry) => entry.info),
    measurements: links.measurements(),
    scenarios,
    loads,
    sweeps: sweeps.results(),
  };
}

/**
 * The plan's loads, in plan order (targets interleaved, each repetition of every cell before the
 * next one), into `loads` and `sweeps`; why they stopped early, if they did.
 */
async function runLoads(
  plan: RunPlan,
  loadRuns: readonly LoadRun[],
  into: { links: NetworkLinks; sweeps: SweepCollector; loads: LoadResult[] },
): Promise<{ reason: string } | undefined> {
  const { reporter, signal } = plan;
  const { links, sweeps, loads } = into;
  for (const planned of plan.loads) {
    const bound = loadRuns.find((candidate) => candidate.run === planned.run);
    if (bound === undefined) continue; // unrunnable: its failed result is already in `scenarios`
    const { run, target, endpoint } = bound;
    // A kernel profile's path tells the drain what it still holds (also each step of a sweep).
    const pathInFlight = links.pathInFlight(target, run.profile);
    if (isSweep(run.scenario.load)) {
      await sweeps.run(bound, planned.repetition, { signal, reporter, pathInFlight });
    } else {
      const { scenario, version, profile } = run;
      const watching = await links.watch(target, profile);
      const result = await runLoad({
        scenario,
        version,
        target,
        endpoint,
        profile: profile.name,
        signal,
        reporter,
        ...(plan.shard && { shard: plan.shard }),
        pathInFlight,
        ...(plan.settings.generatorCpus !== null && { cpus: plan.settings.generatorCpus }),
      });
      const profileCheck = await watching?.();
      if (profileCheck) judgeProfile(result, profileCheck);
      loads.push(result);
      reporter.onLoadEnd?.(result);
    }
    if (signal.aborted) return { reason: 'interrupted' };
  }
  return undefined;
}

/** The planned runs bound to started targets and profile endpoints; those that cannot run fail with the reason. */
async function bindRuns(
  plan: RunPlan,
  entries: readonly TargetEntry[],
  links: NetworkLinks,
  variants: TargetVariants,
): Promise<{ instances: ScenarioInstance[]; loadRuns: LoadRun[]; broken: ScenarioResult[] }> {
  const instances: ScenarioInstance[] = [];
  const loadRuns: LoadRun[] = [];
  const broken: ScenarioResult[] = [];
  for (const run of plan.runs) {
    const entry = entries.find((candidate) => candidate.planned === run.target);
    if (entry === undefined) continue; // interrupted before this target was started
    let target = entry.started;
    if (target === undefined) {
      broken.push(unrunnable(run, `target failed to start: ${entry.error ?? ''}`));
      continue;
    }
    if (run.scenario.settings !== undefined) {
      const variant = await variants.for(entry, run.scenario.settings);
      if ('skip' in variant) {
        broken.push({ ...unrunnable(run, variant.skip), verdict: 'skipped' });
        continue;
      }
      if ('error' in variant) {
        broken.push(unrunnable(run, `configured target failed to start: ${variant.error}`));
        continue;
      }
      target = variant.target;
    }
    const base = { scenario: run.scenario, version: run.version, target, profile: run.profile.name };
    if (run.perInstance) {
      const prepare = links.prepareFor(target, run.profile);
      instances.push({
        ...base,
        endpoint: target.endpoint,
        seq: instances.length,
        ...(prepare && { prepare }),
      });
      continue;
    }
    const link = await links.endpointFor(target, run.profile);
    if ('error' in link) broken.push(unrunnable(run, link.error));
    else if (run.scenario.load !== undefined) loadRuns.push({ run, target, endpoint: link.endpoint });
    else instances.push({ ...base, endpoint: link.endpoint, seq: instances.length });
  }
  return { instances, loadRuns, broken };
}

/** A failed result for a run that could not start (its target or its profile could not be set up). */
function unrunnable(run: PlannedRun, reason: string): ScenarioResult {
  const { scenario, version } = run;
  return {
    id: instanceId({
      scenario,
      version,
      target: { name: run.target.name } as StartedTarget,
      profile: run.profile.name,
    }),
    name: scenario.name,
    file: scenario.file,
    ...(scenario.description !== undefined && { description: scenario.description }),
    target: run.target.name,
    profile: run.profile.name,
    mqttVersion: version,
    statements: [...scenario.statements[version]],
    tags: [...scenario.tags],
    level: scenario.level,
    verdict: 'failed',
    reason,
    durationMs: 0,
  };
}

/**
 * Records what the load's network profile did beside what it should have done; a profile that
 * missed its nominal effect makes the load's timing figures the network's, not the broker's:
 * the load is inconclusive (a failure stays a failure).
 */
function judgeProfile(result: LoadResult, check: ProfileCheck): void {
  result.profileCheck = check;
  if (!check.withinTolerance && check.reason !== undefined) {
    addInconclusive(result, `profile '${result.profile}' missed its nominal effect: ${check.reason}`);
  }
}
