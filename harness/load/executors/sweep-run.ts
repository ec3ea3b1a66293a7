// Running a rate sweep: one load run per step (the section narrowed to that step's rate), judged
// as it ends (sweep-knee.ts); the climb stops at the first step that is not ok. A fresh run per
// step gives each step its own clients, warm-up, drain and delivery verdicts, and lets the climb
// stop before a rate far past the knee buries the broker. The orchestrator calls
// runSweepRepetition once per repetition and cell, interleaving targets, and sweepResult at the end.
import type { LoadResult } from '../../result/index.js';
import { loadKey } from '../../result/index.js';
import type { SweepBrokerUsage, SweepRepetition, SweepResult, SweepStep } from '../../result/index.js';
import { summarizeSweep, sustainable } from '../../result/index.js';
import { runLoadScenario, type LoadRunContext } from '../engine.js';
import { sampleProcess } from '../process-stats.js';
import { judgeStep } from './sweep-knee.js';
import { rateSweep, type RateSweepPlan, type RateSweepSection } from './sweep.js';

/** Runs one load (the engine); replaceable in tests. */
export type StepRunner = (section: RateSweepSection, context: LoadRunContext) => Promise<LoadResult>;

export function sweepPlan(section: RateSweepSection): RateSweepPlan {
  return rateSweep.plan(section) as RateSweepPlan;
}

/** The section of one step: the sweep's keys with a single rate. */
export function stepSection(section: RateSweepSection, rate: number): RateSweepSection {
  const { startRate: _start, factor: _factor, maxSteps: _steps, maxRate: _max, ...rest } = section;
  return { ...rest, rates: [rate], repeat: 1 };
}

export async function runSweepRepetition(
  section: RateSweepSection,
  context: LoadRunContext,
  index: number,
  runStep: StepRunner = runLoadScenario,
): Promise<SweepRepetition> {
  const plan = sweepPlan(section);
  const startedAt = new Date();
  const steps: SweepStep[] = [];
  const unspoken = versionProblem(context);
  if (unspoken !== undefined) steps.push(unrunStep(0, plan.rates[0] ?? 0, plan, unspoken));
  for (const [stepIndex, rate] of plan.rates.entries()) {
    if (context.signal.aborted || unspoken !== undefined) break;
    const meter = new BrokerMeter(context, plan);
    let step: SweepStep;
    try {
      const result = await runStep(stepSection(section, rate), {
        ...context,
        onProgress: (progress) => {
          meter.onSecond(progress.elapsedMs);
          context.onProgress?.(progress);
        },
      });
      const broker = meter.stop();
      step = judgeStep(result, {
        index: stepIndex,
        offeredRate: rate,
        warmupMs: plan.warmupMs,
        stepMs: plan.stepMs,
        slo: plan.slo,
        ...(broker !== undefined && { broker }),
      });
      const placement = {
        ...(result.broker?.cpus !== undefined && { broker: result.broker.cpus }),
        ...(result.generator.cpus !== undefined && { generator: result.generator.cpus }),
      };
      if (Object.keys(placement).length > 0) step.placement = placement;
    } catch (error) {
      meter.stop();
      step = unrunStep(stepIndex, rate, plan, error instanceof Error ? error.message : String(error));
    }
    steps.push(step);
    if (step.verdict !== 'ok') break;
  }
  const { rate, bound } = sustainable(steps);
  return {
    index,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    steps,
    maxSustainableRate: rate,
    bound,
  };
}

/** A cell's SweepResult from its repetitions (pure). */
export function sweepResult(
  section: RateSweepSection,
  cell: Pick<SweepResult, 'name' | 'target' | 'profile' | 'mqttVersion'> & { file?: string },
  repetitions: readonly SweepRepetition[],
): SweepResult {
  const plan = sweepPlan(section);
  const placement = repetitions.flatMap((r) => r.steps).find((step) => step.placement)?.placement;
  return {
    key: loadKey(cell),
    name: cell.name,
    ...(cell.file !== undefined && { file: cell.file }),
    target: cell.target,
    profile: cell.profile,
    mqttVersion: cell.mqttVersion,
    rates: plan.rates,
    warmupMs: plan.warmupMs,
    stepDurationMs: plan.stepMs,
    slo: plan.slo,
    config: { ...section },
    ...(placement !== undefined && { placement }),
    repetitions: [...repetitions],
    ...summarizeSweep(plan.rates, repetitions),
  };
}

/**
 * Why the target cannot take this sweep's MQTT version (Aedes 1.x has no MQTT 5): every step would
 * end in refused connections, so the climb does not start. Undefined when it can, or when the
 * target declares no versions.
 */
function versionProblem(context: LoadRunContext): string | undefined {
  const { target, mqttVersion } = context;
  const capability = mqttVersion === '5.0' ? 'mqtt-5.0' : 'mqtt-3.1.1';
  const declares = target.capabilities.has('mqtt-5.0') || target.capabilities.has('mqtt-3.1.1');
  if (!declares || target.capabilities.has(capability)) return undefined;
  const why = target.missingCapabilityReasons?.[capability];
  const other = mqttVersion === '5.0' ? '3.1.1' : '5.0';
  return `target '${target.name}' does not speak MQTT ${mqttVersion}${why === undefined ? '' : ` (${why})`}; sweep it with MQTT ${other} (--mqtt ${other}, or \`mqtt:\` in the scenario)`;
}

function unrunStep(index: number, rate: number, plan: RateSweepPlan, reason: string): SweepStep {
  return {
    index,
    offeredRate: rate,
    sentRate: 0,
    deliveredRate: 0,
    expectedRate: 0,
    warmupMs: plan.warmupMs,
    measuredMs: 0,
    latencyUs: { p50: 0, p99: 0, p999: 0, max: 0 },
    latencySamples: 0,
    drops: 0,
    errors: 0,
    delivery: [],
    generatorSaturated: false,
    verdict: 'inconclusive',
    reason: `the step could not run: ${reason}`,
  };
}

/**
 * The broker's CPU and RSS over the measured window: from the end of the last warm-up second to the
 * end of the step, timed by the engine's per-second progress. A broker process of its own is read
 * from /proc/PID/stat and /proc/PID/status; the in-process reference broker shares this process
 * with the generator, so its figures are the whole harness process's (process.cpuUsage, rss).
 */
class BrokerMeter {
  private readonly firstSecond: number;
  private readonly lastSecond: number;
  private process: { stop(): { cpuPercent: number; rssMaxBytes: number } | undefined } | undefined;
  private shared: { cpu: NodeJS.CpuUsage; at: number; rss: number } | undefined;
  private usage: SweepBrokerUsage | undefined;
  private readonly source: SweepBrokerUsage['source'] | undefined;

  constructor(
    private readonly context: LoadRunContext,
    plan: RateSweepPlan,
  ) {
    this.firstSecond = Math.ceil(plan.warmupMs / 1000);
    this.lastSecond = Math.ceil((plan.warmupMs + plan.stepMs) / 1000);
    const { target } = context;
    this.source = target.pid !== undefined ? 'process' : target.kind === 'reference' ? 'shared' : undefined;
    if (this.firstSecond === 0) this.begin(); // no warm-up: from the load run's start (set-up included)
  }

  /** The engine finished second `elapsedMs / 1000`. */
  onSecond(elapsedMs: number): void {
    const second = Math.round(elapsedMs / 1000);
    if (second === this.firstSecond) this.begin();
    if (second === this.lastSecond) this.end();
  }

  stop(): SweepBrokerUsage | undefined {
    this.end();
    return this.usage;
  }

  private begin(): void {
    if (this.source === 'process' && this.context.target.pid !== undefined)
      this.process = sampleProcess(this.context.target.pid, 250);
    if (this.source === 'shared')
      this.shared = { cpu: process.cpuUsage(), at: performance.now(), rss: process.memoryUsage.rss() };
  }

  private end(): void {
    if (this.usage !== undefined) return;
    if (this.process !== undefined) {
      const usage = this.process.stop();
      this.process = undefined;
      if (usage !== undefined)
        this.usage = { cpuPercent: usage.cpuPercent, rssBytes: usage.rssMaxBytes, source: 'process' };
    }
    if (this.shared !== undefined) {
      const used = process.cpuUsage(this.shared.cpu);
      const wallUs = Math.max(1, (performance.now() - this.shared.at) * 1000);
      this.usage = {
        cpuPercent: Math.round(((used.user + used.system) / wallUs) * 1000) / 10,
        rssBytes: Math.max(this.shared.rss, process.memoryUsage.rss()),
        source: 'shared',
      };
      this.shared = undefined;
    }
  }
}
