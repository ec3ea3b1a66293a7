// runFuzz: the phases one after another against one target, each watched by the health probe
// (during: every 2 s; after: until it answers or the settle time is over), the broker's RSS and
// open files checked after each phase when it runs here as a process of its own, and a reproducer
// saved for every failure. A dead broker ends the run.
import { join } from 'node:path';
import { describeStoppedTarget } from '../targets/index.js';
import type { StartedTarget } from '../targets/index.js';
import type { Address } from './client.js';
import type { FuzzCase } from './generate.js';
import { sampleProcess, type ProcessSample } from './monitor.js';
import { PHASE_NAMES, sleep, type PhaseName, type PhaseStats } from './phase.js';
import { phaseDurations, PHASES, LONG_RUN_SECONDS } from './phases.js';
import { probe } from './probe.js';
import { Random } from './random.js';
import { saveReproducer, type FailureRecord } from './reproducer.js';

export interface FuzzOptions {
  target: StartedTarget;
  seconds: number;
  seed: number;
  outputDir: string;
  phases?: readonly PhaseName[];
  /** A probe fails after this long (default 10 s). */
  probeTimeoutMs?: number;
  /** After a phase, the broker has this long to answer a probe again (default 20 s). */
  settleMs?: number;
  /** The broker's RSS limit (default 1024 MB). */
  maxRssMb?: number;
  /** Open files the broker may keep above its count before the run (default 32). */
  openFilesSlack?: number;
  signal?: AbortSignal;
  /** Progress lines (the CLI prints them). */
  onEvent?: (line: string) => void;
}

export interface FuzzFailure extends FailureRecord {
  reproducer: string;
}

export interface PhaseReport {
  phase: PhaseName;
  durationMs: number;
  stats: PhaseStats;
  probes: { ok: number; failed: number; maxMs: number };
  after: ProcessSample;
}

export interface FuzzResult {
  target: string;
  seed: number;
  seconds: number;
  before: ProcessSample;
  phases: PhaseReport[];
  failures: FuzzFailure[];
  passed: boolean;
}

const PROBE_EVERY_MS = 2000;
const KEPT_CASES = 64;

type Problem = { kind: FailureRecord['kind']; message: string };

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const { target } = options;
  const phases = options.phases ?? PHASE_NAMES;
  const durations = phaseDurations(options.seconds, phases);
  const emit = options.onEvent ?? (() => undefined);
  const before = await sampleProcess(target.pid);
  const result: FuzzResult = {
    target: target.name,
    seed: options.seed,
    seconds: options.seconds,
    before,
    phases: [],
    failures: [],
    passed: true,
  };
  for (const phase of phases) {
    if (options.signal?.aborted) break;
    const durationMs = durations.get(phase) ?? 1000;
    emit(`phase ${phase} (${Math.round(durationMs / 1000)} s): ${PHASES[phase].description}`);
    const { report, problem, cases } = await runPhase(phase, durationMs, before, options);
    result.phases.push(report);
    emit(phaseSummary(report));
    if (problem !== undefined) await recordFailure(result, options, report, problem, cases, emit);
    if (!target.isAlive()) break;
  }
  return result;
}

/**
 * One phase under the health probe, then the settle time and the resource check: its report, the
 * problem found (if any) and the last cases sent (for the reproducer).
 */
async function runPhase(
  phase: PhaseName,
  durationMs: number,
  before: ProcessSample,
  options: FuzzOptions,
): Promise<{ report: PhaseReport; problem: Problem | undefined; cases: FuzzCase[] }> {
  const { target } = options;
  const address: Address = { host: target.endpoint.host, port: target.endpoint.port };
  const probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
  const cases: FuzzCase[] = [];
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const context = {
    address,
    random: new Random(phaseSeed(options.seed, phase)),
    durationMs,
    scale: options.seconds >= LONG_RUN_SECONDS ? 2 : 1,
    signal: controller.signal,
    recordCase: (fuzzCase: FuzzCase) => {
      cases.push(fuzzCase);
      if (cases.length > KEPT_CASES) cases.shift();
    },
  };
  const probes = { ok: 0, failed: 0, maxMs: 0 };
  let problem: Problem | undefined;
  const watch = watchHealth(address, probeTimeoutMs, target, controller, probes, (found) => {
    problem ??= found;
  });
  const begin = Date.now();
  let stats: PhaseStats = {};
  try {
    stats = await PHASES[phase].run(context);
  } catch (error) {
    if (target.isAlive())
      problem ??= { kind: 'probe', message: `the phase could not go on: ${(error as Error).message}` };
  }
  controller.abort();
  await watch;
  options.signal?.removeEventListener('abort', stop);
  if (problem === undefined && !options.signal?.aborted)
    problem = await settle(address, options, target, probeTimeoutMs, probes);
  if (problem === undefined && !target.isAlive())
    problem = { kind: 'crash', message: describeStoppedTarget(target) };
  const after =
    problem === undefined
      ? await resources(target, before, options)
      : { sample: await sampleProcess(target.pid) };
  if (problem === undefined && after.problem !== undefined) problem = after.problem;
  return {
    report: { phase, durationMs: Date.now() - begin, stats, probes, after: after.sample },
    problem,
    cases,
  };
}

/** Probes every PROBE_EVERY_MS while the phase runs; a failed probe reports and ends the phase. */
async function watchHealth(
  address: Address,
  probeTimeoutMs: number,
  target: StartedTarget,
  controller: AbortController,
  probes: PhaseReport['probes'],
  onProblem: (problem: Problem) => void,
): Promise<void> {
  while (!controller.signal.aborted) {
    await sleep(PROBE_EVERY_MS, controller.signal);
    if (controller.signal.aborted) break;
    const outcome = await probeTwice(address, probeTimeoutMs, target);
    probes.maxMs = Math.max(probes.maxMs, outcome.ms);
    if (outcome.ok) probes.ok++;
    else {
      probes.failed++;
      if (outcome.problem) onProblem(outcome.problem);
      controller.abort();
    }
  }
}

function phaseSummary({ phase, stats, probes, after }: PhaseReport): string {
  return `  ${phase}: ${Object.entries(stats)
    .map(([key, value]) => `${key} ${value}`)
    .join(
      ', ',
    )}; probes ${probes.ok} ok, ${probes.failed} failed (max ${probes.maxMs} ms)${after.rssKb === undefined ? '' : `; RSS ${Math.round(after.rssKb / 1024)} MB, ${after.openFiles} open files`}`;
}

/** Saves a reproducer for the failure and adds it to the result. */
async function recordFailure(
  result: FuzzResult,
  options: FuzzOptions,
  { phase, stats }: PhaseReport,
  { kind, message }: Problem,
  cases: FuzzCase[],
  emit: (line: string) => void,
): Promise<void> {
  const record: FailureRecord = {
    phase,
    kind,
    message,
    seed: options.seed,
    seconds: options.seconds,
    target: options.target.name,
    stats,
  };
  const dir = join(options.outputDir, `failure-${result.failures.length + 1}-${phase}-${kind}`);
  const reproducer = await saveReproducer(dir, record, cases);
  result.failures.push({ ...record, reproducer });
  result.passed = false;
  emit(`  FAIL ${phase}: ${kind}: ${message.split('\n')[0] ?? ''} (reproducer: ${reproducer})`);
}

/** A probe, and a second one if the first failed (one slow answer on a busy machine is not a failure). */
async function probeTwice(
  address: Address,
  timeoutMs: number,
  target: StartedTarget,
): Promise<{ ok: boolean; ms: number; problem?: { kind: FailureRecord['kind']; message: string } }> {
  let outcome = await probe(address, timeoutMs);
  if (!outcome.ok && target.isAlive()) outcome = await probe(address, timeoutMs);
  if (outcome.ok) return { ok: true, ms: outcome.ms };
  if (!target.isAlive())
    return { ok: false, ms: outcome.ms, problem: { kind: 'crash', message: describeStoppedTarget(target) } };
  return {
    ok: false,
    ms: outcome.ms,
    problem: { kind: 'probe', message: `health probe failed twice: ${outcome.error ?? 'unknown'}` },
  };
}

/** After a phase: probes until one answers, for at most the settle time. */
async function settle(
  address: Address,
  options: FuzzOptions,
  target: StartedTarget,
  probeTimeoutMs: number,
  probes: PhaseReport['probes'],
): Promise<{ kind: FailureRecord['kind']; message: string } | undefined> {
  const deadline = Date.now() + (options.settleMs ?? 20_000);
  let last: string;
  for (;;) {
    if (!target.isAlive()) return { kind: 'crash', message: describeStoppedTarget(target) };
    const outcome = await probe(address, probeTimeoutMs);
    probes.maxMs = Math.max(probes.maxMs, outcome.ms);
    if (outcome.ok) {
      probes.ok++;
      return undefined;
    }
    probes.failed++;
    last = outcome.error ?? '';
    if (Date.now() > deadline) break;
    await sleep(500);
  }
  if (!target.isAlive()) return { kind: 'crash', message: describeStoppedTarget(target) };
  return { kind: 'probe', message: `the broker did not answer the health probe after the phase: ${last}` };
}

/** RSS under the limit, and open files back near where they were (given a few seconds). */
async function resources(
  target: StartedTarget,
  before: ProcessSample,
  options: FuzzOptions,
): Promise<{ sample: ProcessSample; problem?: { kind: FailureRecord['kind']; message: string } }> {
  let sample = await sampleProcess(target.pid);
  const limitKb = (options.maxRssMb ?? 1024) * 1024;
  if (sample.rssKb !== undefined && sample.rssKb > limitKb) {
    return {
      sample,
      problem: {
        kind: 'memory',
        message: `broker RSS ${Math.round(sample.rssKb / 1024)} MB over the ${options.maxRssMb ?? 1024} MB limit after the phase`,
      },
    };
  }
  if (sample.openFiles === undefined || before.openFiles === undefined) return { sample };
  const allowed = before.openFiles + (options.openFilesSlack ?? 32);
  const deadline = Date.now() + 15_000;
  while ((sample.openFiles ?? 0) > allowed && Date.now() < deadline) {
    await sleep(500);
    sample = await sampleProcess(target.pid);
  }
  if ((sample.openFiles ?? 0) > allowed) {
    return {
      sample,
      problem: {
        kind: 'open-files',
        message: `broker holds ${sample.openFiles} open files after the phase (${before.openFiles} before)`,
      },
    };
  }
  return { sample };
}

/** Each phase draws from its own seed, so one phase replays alone with the run's seed. */
export function phaseSeed(seed: number, phase: PhaseName): number {
  let hash = seed >>> 0;
  for (const char of phase) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}
