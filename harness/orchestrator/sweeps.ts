// Rate sweeps in the execute step: each planned repetition of a `rate-sweep` load climbs through
// its rates (harness/load/executors/sweep-run.ts) on the endpoint the run bound; the repetitions
// of a cell are kept together and become one SweepResult when the run ends. A sweep's `profiles`
// entry for the run's profile (rates, SLO, repeat) applies here (sweepForProfile).
import { runSweepRepetition, sweepForProfile, sweepResult } from '../load/index.js';
import type { RateSweepSection } from '../load/index.js';
import type { LoadSection } from '../load/index.js';
import type { Reporter } from '../reporters/index.js';
import type { SweepRepetition, SweepResult } from '../result/index.js';
import type { Endpoint, StartedTarget } from '../targets/index.js';
import type { PlannedRun } from './plan.js';

export function isSweep(load: LoadSection | undefined): load is RateSweepSection {
  return load?.executor === 'rate-sweep';
}

export class SweepCollector {
  private readonly cells = new Map<PlannedRun, SweepRepetition[]>();

  /** `cpus`: the run's generator CPUs (`--generator-cpus`), for every step's load. */
  constructor(private readonly cpus: string | null = null) {}

  async run(
    bound: { run: PlannedRun; target: StartedTarget; endpoint: Endpoint },
    repetition: number,
    options: {
      signal: AbortSignal;
      reporter: Reporter;
      /** Bytes the network path still holds (a kernel profile), for each step's drain. */
      pathInFlight?: (() => Promise<number | undefined>) | undefined;
    },
  ): Promise<void> {
    const { run, target, endpoint } = bound;
    const section = run.scenario.load;
    if (!isSweep(section)) return;
    // Each step's run is judged on the thresholds whose scope applies to it (runLoadScenario).
    const result = await runSweepRepetition(
      sweepForProfile(section, run.profile.name),
      {
        endpoint,
        target,
        profile: run.profile.name,
        mqttVersion: run.version,
        signal: options.signal,
        onProgress: (progress) => options.reporter.onLoadProgress?.(progress),
        name: run.scenario.name,
        file: run.scenario.file,
        ...(this.cpus !== null && { cpus: this.cpus }),
        ...(options.pathInFlight && { pathInFlight: options.pathInFlight }),
      },
      repetition,
    );
    this.cells.set(run, [...(this.cells.get(run) ?? []), result]);
  }

  /** One SweepResult per cell that ran, in the order the cells first ran. */
  results(): SweepResult[] {
    return [...this.cells.entries()].flatMap(([run, repetitions]) => {
      const section = run.scenario.load;
      if (!isSweep(section)) return [];
      return [
        sweepResult(
          sweepForProfile(section, run.profile.name),
          {
            name: run.scenario.name,
            file: run.scenario.file,
            target: run.target.name,
            profile: run.profile.name,
            mqttVersion: run.version,
          },
          repetitions,
        ),
      ];
    });
  }
}
