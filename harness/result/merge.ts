// Several RunResults as one (one file per target, per CI shard, per machine). Targets and profiles
// are united by name; scenario results by id, a later file replacing an earlier one for the same id;
// loads as the caller says (by default like scenarios); the summary is recomputed; the time span
// covers all runs. Pure: a function of the results.
import type { LoadResult, ProfileInfo, RunResult, ScenarioResult, TargetInfo } from './model.js';
import { summarize } from './summary.js';

export interface CombineOptions {
  /** Combines the loads of every run; default: by id, a later file replacing an earlier one. */
  loads?(loads: readonly LoadResult[]): LoadResult[];
}

export function combineRuns(results: readonly RunResult[], options: CombineOptions = {}): RunResult {
  const [first] = results;
  if (!first) throw new Error('combineRuns needs at least one result');
  // One result stays as it is, unless its loads are to be combined (the shards of a sharded load).
  if (results.length === 1 && options.loads === undefined) return first;
  const targets = new Map<string, TargetInfo>();
  const profiles = new Map<string, ProfileInfo>();
  const scenarios = new Map<string, ScenarioResult>();
  let start = Infinity;
  let end = -Infinity;
  let interrupted: RunResult['interrupted'];
  for (const r of results) {
    for (const t of r.targets) if (!targets.has(t.name)) targets.set(t.name, t);
    for (const p of r.profiles) if (!profiles.has(p.name)) profiles.set(p.name, p);
    for (const s of r.scenarios) scenarios.set(s.id, s);
    const t0 = Date.parse(r.startedAt);
    if (Number.isFinite(t0)) {
      start = Math.min(start, t0);
      end = Math.max(end, t0 + r.durationMs);
    }
    interrupted ??= r.interrupted;
  }
  const allLoads = results.flatMap((r) => r.loads);
  const loads = options.loads
    ? options.loads(allLoads)
    : [...new Map(allLoads.map((l) => [l.id, l])).values()];
  const merged: RunResult = {
    schemaVersion: first.schemaVersion,
    tool: first.tool,
    startedAt: Number.isFinite(start) ? new Date(start).toISOString() : first.startedAt,
    durationMs: Number.isFinite(start) ? end - start : results.reduce((sum, r) => sum + r.durationMs, 0),
    targets: [...targets.values()],
    profiles: [...profiles.values()],
    scenarios: [...scenarios.values()],
    loads,
    summary: summarize([...scenarios.values()], loads),
  };
  // Sweeps by cell key, a later file replacing an earlier one (as scenario results).
  const sweeps = [...new Map(results.flatMap((r) => r.sweeps ?? []).map((s) => [s.key, s])).values()];
  if (sweeps.length > 0) merged.sweeps = sweeps;
  if (interrupted) merged.interrupted = interrupted;
  return merged;
}
