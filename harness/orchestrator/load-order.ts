// The order loads run in. Targets are interleaved (A B C A B C), never run in blocks, and a
// repeated load (a rate sweep's `repeat`) runs each repetition of every cell before the next
// repetition starts: drift on a shared machine (another job, thermal throttling, a noisy
// neighbour) then hits every target alike instead of favouring whichever ran first.
import type { PlannedRun } from './plan.js';

/** One load run: a planned load × its repetition (0-based). */
export interface PlannedLoad {
  run: PlannedRun;
  repetition: number;
  repetitions: number;
}

/** How often a load scenario repeats: a rate sweep's `repeat` (its profile's, if given), else once. */
export function repetitionsOf(run: PlannedRun): number {
  const load = run.scenario.load;
  if (load?.executor !== 'rate-sweep') return 1;
  return load.profiles?.[run.profile.name]?.repeat ?? load.repeat ?? 1;
}

/** Load runs ordered repetition → scenario → profile → version → target. */
export function orderLoads(runs: readonly PlannedRun[]): PlannedLoad[] {
  const loads = runs.filter((run) => run.scenario.load !== undefined);
  const targets = [...new Set(loads.map((run) => run.target))];
  const cells = new Map<string, PlannedRun[]>();
  const scenarioIndex = new Map([...new Set(loads.map((run) => run.scenario))].map((s, i) => [s, i]));
  for (const run of loads) {
    const key = `${scenarioIndex.get(run.scenario)}\u0000${run.profile.name}\u0000${run.version}`;
    cells.set(key, [...(cells.get(key) ?? []), run]);
  }
  const most = Math.max(0, ...loads.map(repetitionsOf));
  const ordered: PlannedLoad[] = [];
  for (let repetition = 0; repetition < most; repetition++) {
    for (const cell of cells.values()) {
      const byTarget = [...cell].sort((a, b) => targets.indexOf(a.target) - targets.indexOf(b.target));
      for (const run of byTarget) {
        const repetitions = repetitionsOf(run);
        if (repetition < repetitions) ordered.push({ run, repetition, repetitions });
      }
    }
  }
  return ordered;
}
