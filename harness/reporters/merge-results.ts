// Several RunResults as one view (e.g. one file per target or per CI shard). Targets and profiles
// are united by name; scenarios and loads by id, a later file replacing an earlier one for the same
// id; the summary is recomputed; the time span covers all runs.
import type { LoadResult, ProfileInfo, RunResult, ScenarioResult, TargetInfo } from '../result/model.js';
import { summarize } from '../result/summary.js';

export function mergeResults(results: readonly RunResult[]): RunResult {
  const [first] = results;
  if (!first) throw new Error('mergeResults needs at least one result');
  if (results.length === 1) return first;
  const targets = new Map<string, TargetInfo>();
  const profiles = new Map<string, ProfileInfo>();
  const scenarios = new Map<string, ScenarioResult>();
  const loads = new Map<string, LoadResult>();
  let start = Infinity;
  let end = -Infinity;
  let interrupted: RunResult['interrupted'];
  for (const r of results) {
    for (const t of r.targets) if (!targets.has(t.name)) targets.set(t.name, t);
    for (const p of r.profiles) if (!profiles.has(p.name)) profiles.set(p.name, p);
    for (const s of r.scenarios) scenarios.set(s.id, s);
    for (const l of r.loads) loads.set(l.id, l);
    const t0 = Date.parse(r.startedAt);
    if (Number.isFinite(t0)) {
      start = Math.min(start, t0);
      end = Math.max(end, t0 + r.durationMs);
    }
    interrupted ??= r.interrupted;
  }
  const merged: RunResult = {
    schemaVersion: first.schemaVersion,
    tool: first.tool,
    startedAt: Number.isFinite(start) ? new Date(start).toISOString() : first.startedAt,
    durationMs: Number.isFinite(start) ? end - start : results.reduce((sum, r) => sum + r.durationMs, 0),
    targets: [...targets.values()],
    profiles: [...profiles.values()],
    scenarios: [...scenarios.values()],
    loads: [...loads.values()],
    summary: summarize([...scenarios.values()], [...loads.values()]),
  };
  if (interrupted) merged.interrupted = interrupted;
  return merged;
}
