// The run summary: verdict counts over the scenario results and failed load runs. One definition,
// used when a run finishes (api.ts) and when several results are merged (reporters).
import type { LoadResult, RunSummary, ScenarioResult } from './model.js';

export function summarize(scenarios: readonly ScenarioResult[], loads: readonly LoadResult[]): RunSummary {
  const count = (verdict: ScenarioResult['verdict']): number =>
    scenarios.filter((s) => s.verdict === verdict).length;
  return {
    total: scenarios.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    warnings: count('warning'),
    deviations: count('deviation'),
    loadsFailed: loads.filter((l) => l.verdict === 'failed').length,
    loadsInconclusive: loads.filter((l) => l.verdict === 'inconclusive').length,
  };
}
