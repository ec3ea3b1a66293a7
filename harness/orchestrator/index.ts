// The one path from options to a RunResult (docs/architecture.md): plan → execute → assemble.
export { runHarness } from './run.js';
export type { HarnessOptions, ReporterOutput } from './options.js';
export { filterScenarios, selectedVersions, type ScenarioFilters } from './filter.js';
export { planRun, NO_PROFILE, type RunPlan, type PlannedRun, type PlannedTarget } from './plan.js';
export * from './filter.js';
export * from './options.js';
