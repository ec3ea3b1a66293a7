// Step 3 of a run: the RunResult, built from what the execution recorded. Pure: no I/O, no clock.
import {
  RESULT_SCHEMA_VERSION,
  type LoadResult,
  type ProfileInfo,
  type RunResult,
  type ScenarioResult,
  type TargetInfo,
} from './model.js';
import type { SweepResult } from './sweep.js';
import { summarize } from './summary.js';

export interface RunRecord {
  toolVersion: string;
  startedAt: Date;
  durationMs: number;
  interrupted?: { reason: string };
  targets: readonly TargetInfo[];
  /** Every profile the result lists, in order ('none' when the run had no profile). */
  profiles: readonly string[];
  /** What each profile measured towards each target. */
  measurements: readonly { target: string; profile: string; info: ProfileInfo }[];
  scenarios: readonly ScenarioResult[];
  loads: readonly LoadResult[];
  sweeps?: readonly SweepResult[];
}

export function assembleResult(record: RunRecord): RunResult {
  const scenarios = [...record.scenarios];
  const loads = [...record.loads];
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'mqtt-harness', version: record.toolVersion },
    startedAt: record.startedAt.toISOString(),
    durationMs: record.durationMs,
    ...(record.interrupted && { interrupted: record.interrupted }),
    targets: [...record.targets],
    profiles: record.profiles.map((name) => profileInfo(name, record.measurements)),
    scenarios,
    loads,
    ...(record.sweeps !== undefined && record.sweeps.length > 0 && { sweeps: [...record.sweeps] }),
    summary: summarize(scenarios, loads),
  };
}

/**
 * What the profile measured: the first target's as `measured`, and each target's in `byTarget`
 * when there are several. Named as the run named it (a path for a profile file).
 */
function profileInfo(name: string, measurements: RunRecord['measurements']): ProfileInfo {
  const entries = measurements.filter((m) => m.profile === name);
  const first = entries[0];
  if (first === undefined) return { name };
  const byTarget = entries.flatMap((m) =>
    m.info.measured ? [{ target: m.target, measured: m.info.measured }] : [],
  );
  return { ...first.info, name, ...(byTarget.length > 1 && { byTarget }) };
}
