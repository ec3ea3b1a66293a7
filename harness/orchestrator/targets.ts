// Targets during a run: started in the planned order, stopped at the end whatever happened. A target
// that fails to start is recorded with the reason (its runs fail with it); when none starts, the
// run cannot do anything and says so.
import { HarnessError } from '../errors.js';
import type { TargetInfo } from '../result/index.js';
import { startTarget } from '../targets/index.js';
import type { StartedTarget } from '../targets/index.js';
import type { PlannedTarget, RunPlan } from './plan.js';

export interface TargetEntry {
  planned: PlannedTarget;
  started?: StartedTarget;
  error?: string;
  info: TargetInfo;
}

/** Starts the plan's targets into `entries` (filled as they start, so the caller can stop them). */
export async function startTargets(plan: RunPlan, entries: TargetEntry[]): Promise<void> {
  for (const planned of plan.targets) {
    try {
      const started = await startTarget(planned.spec, {
        cwd: plan.cwd,
        signal: plan.signal,
        config: plan.settings,
        ...(plan.settings.brokerCpus === null ? {} : { cpus: plan.settings.brokerCpus }),
      });
      entries.push({ planned, started, info: targetInfo(started) });
    } catch (error) {
      if (plan.signal.aborted) break;
      const kind = typeof planned.spec === 'string' ? planned.spec : planned.spec.kind;
      entries.push({
        planned,
        error: error instanceof Error ? error.message : String(error),
        info: { name: planned.name, kind, url: '' },
      });
    }
  }
  if (entries.length > 0 && entries.every((entry) => !entry.started)) {
    throw new HarnessError(
      'HARNESS_TARGET_START_FAILED',
      `no target could be started:\n${entries.map((e) => `  ${e.info.name}: ${e.error ?? ''}`).join('\n')}`,
    );
  }
}

export async function stopTargets(entries: readonly TargetEntry[]): Promise<void> {
  await Promise.allSettled(entries.flatMap((entry) => (entry.started ? [entry.started.stop()] : [])));
}

function targetInfo(target: StartedTarget): TargetInfo {
  return {
    name: target.name,
    kind: target.kind,
    url: target.url,
    ...(target.version !== undefined && { version: target.version }),
    ...(target.startupMs !== undefined && { startupMs: target.startupMs }),
    ...(target.cpus !== undefined && { cpus: target.cpus }),
    ...(target.knownDeviations.length > 0 && {
      knownDeviations: target.knownDeviations.map((d) => ({
        scenario: d.scenario,
        statement: d.statement,
        description: d.description,
      })),
    }),
  };
}
