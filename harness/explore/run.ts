// `harness explore` as an API: start the target, explore, write the shrunk finding as a scenario
// and replay it with the ordinary runner (it must validate and fail on the same target).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { runHarness } from '../orchestrator/index.js';
import { startTarget, type StartTargetOptions } from '../targets/index.js';
import type { TargetConfig } from '../targets/index.js';
import type { MqttVersion } from '../vocabulary.js';
import type { ScenarioResult } from '../result/index.js';
import { explore, type ExploreResult } from './explore.js';
import { scenarioName, toScenarioYaml } from './scenario.js';
import type { ExploreProfile } from './profiles.js';

export interface RunExploreOptions {
  target: string | TargetConfig;
  version: MqttVersion;
  seed: number;
  budgetMs: number;
  shrinkBudgetMs?: number;
  /** Folder for found scenarios (default scenarios/found). */
  outDir?: string;
  /** Replay the written scenario with the runner (default true). */
  replay?: boolean;
  /**
   * How many times a replay that passes is tried again (default 3 in all): a disagreement that no
   * replay reproduces is reported as not reproduced (timing on a busy machine, or a race).
   */
  replays?: number;
  graceMs?: number;
  maxSessions?: number;
  cwd: string;
  config?: StartTargetOptions['config'];
  signal?: AbortSignal;
  onSession?: Parameters<typeof explore>[0]['onSession'];
  /** Start the target with this profile's settings (profiles.ts); default: as it is. */
  profile?: ExploreProfile;
}

export interface ExploreReport extends ExploreResult {
  target: string;
  /** The written scenario (path from cwd) and its YAML. */
  scenario?: { file: string; name: string; yaml: string };
  /**
   * The replay on the same target: the verdict of the first replay that failed, or of the last one;
   * `runs` replays were made (they stop at the first failure).
   */
  replay?: { verdict: ScenarioResult['verdict']; failure?: string; runs: number };
}

export async function runExplore(options: RunExploreOptions): Promise<ExploreReport> {
  const settings = options.profile?.settings;
  const settingsDir =
    settings !== undefined ? await mkdtemp(join(tmpdir(), 'mh-explore-settings-')) : undefined;
  let result: ExploreResult;
  let started: Awaited<ReturnType<typeof startTarget>>;
  try {
    started = await startTarget(options.target, {
      cwd: options.cwd,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.config !== undefined && { config: options.config }),
      ...(settings !== undefined &&
        settingsDir !== undefined && { settings: { values: settings, dir: settingsDir } }),
    });
  } catch (error) {
    if (settingsDir !== undefined) await rm(settingsDir, { recursive: true, force: true });
    throw error;
  }
  try {
    result = await explore({
      endpoint: started.endpoint,
      version: options.version,
      seed: options.seed,
      budgetMs: options.budgetMs,
      ...(options.shrinkBudgetMs !== undefined && { shrinkBudgetMs: options.shrinkBudgetMs }),
      ...(options.graceMs !== undefined && { graceMs: options.graceMs }),
      ...(options.maxSessions !== undefined && { maxSessions: options.maxSessions }),
      knownDeviations: started.knownDeviations,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.onSession !== undefined && { onSession: options.onSession }),
      ...(options.profile !== undefined && { profile: options.profile }),
    });
  } finally {
    await started.stop();
    if (settingsDir !== undefined) await rm(settingsDir, { recursive: true, force: true });
  }
  const report: ExploreReport = { ...result, target: started.name };
  const finding = result.finding;
  if (finding === undefined) return report;
  const source = {
    session: finding.session,
    ran: finding.outcome.ran,
    disagreement: finding.disagreement,
    target: started.name,
    seed: options.seed,
    profile: options.profile,
  };
  const name = scenarioName(source);
  const dir = resolve(options.cwd, options.outDir ?? 'scenarios/found');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.yaml`);
  const yaml = toScenarioYaml(source);
  await writeFile(file, yaml);
  report.scenario = { file: relative(options.cwd, file) || file, name, yaml };
  if (options.replay !== false) {
    const attempts = Math.max(1, options.replays ?? 3);
    for (let runs = 1; runs <= attempts; runs += 1) {
      const scenario = await replayOnce(file, options);
      if (scenario === undefined) break;
      const failure = scenario.failure?.message;
      report.replay = { verdict: scenario.verdict, ...(failure !== undefined && { failure }), runs };
      if (scenario.verdict !== 'passed') break;
    }
  }
  return report;
}

/** One replay of the written scenario with the ordinary runner. */
async function replayOnce(file: string, options: RunExploreOptions): Promise<ScenarioResult | undefined> {
  const replay = await runHarness({
    paths: [file],
    reporters: [],
    targets: [options.target],
    cwd: options.cwd,
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.config !== undefined && { config: options.config as never }),
  });
  return replay.scenarios[0];
}

/**
 * What an explore report means for the exit code: 0 nothing found; 1 a disagreement (reproduced by a
 * replay, or not replayed); a disagreement that no replay reproduced is inconclusive: 1 unless
 * `inconclusive` is 'warn'.
 */
export function exploreOutcome(report: ExploreReport): 'clean' | 'found' | 'not-reproduced' {
  if (report.finding === undefined) return 'clean';
  if (report.replay?.verdict === 'passed') return 'not-reproduced';
  return 'found';
}
