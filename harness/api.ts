// The programmatic API: runHarness(options) → RunResult, and the scenario helpers the commands use.
// The run itself is harness/orchestrator/ (plan → execute → assemble); the CLI is a thin layer over
// this module. Library code never prints or exits.
import type { ResolvedScenario } from './scenario/index.js';
import { checkScenarios, loadScenarios } from './scenario/index.js';
import { filterScenarios, type ScenarioFilters } from './orchestrator/index.js';

export { runHarness, type HarnessOptions, type ReporterOutput } from './orchestrator/index.js';
export { filterScenarios, type ScenarioFilters };
export { summarize } from './result/index.js';
export { toolVersion } from './version.js';
export { loadScenarios, checkScenarios };

/** Load and validate scenarios; throws ScenarioValidationError (HARNESS_SCENARIO_INVALID) listing every problem. */
export function loadScenarioFiles(paths: string[], cwd?: string): Promise<ResolvedScenario[]> {
  return loadScenarios(paths, cwd === undefined ? {} : { cwd });
}

/** Every problem in the given scenario files (empty when all are valid). */
export async function validateScenarios(paths: string[], cwd?: string): Promise<string[]> {
  const { issues } = await checkScenarios(paths, cwd === undefined ? {} : { cwd });
  return issues.map(
    (i) => `${i.file}:${i.line}:${i.column}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`,
  );
}

/** The scenarios that would run, after filters (name, tags, versions). */
export async function listScenarios(
  paths: string[],
  filters: ScenarioFilters & { cwd?: string } = {},
): Promise<ResolvedScenario[]> {
  const scenarios = await loadScenarios(paths, filters.cwd === undefined ? {} : { cwd: filters.cwd });
  return filterScenarios(scenarios, filters);
}
