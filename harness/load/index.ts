// Public surface of the load engine (docs/load.md).
export {
  LoadSection,
  PublisherGroup,
  SubscriberGroup,
  PayloadSize,
  Stage,
  type ExecutorSection,
} from './schema.js';
export { runLoadScenario, type LoadRunContext } from './engine.js';
export { mergeLoadResults, mergeRunResults, groupByKey, MergeError } from './merge.js';
export { presetScenario, presetSection, PRESETS, type BenchPreset, type BenchOptions } from './presets.js';
export { validateLoadSection, LoadConfigError } from './validate.js';
export {
  parseThreshold,
  parseThresholds,
  evaluateThresholds,
  sectionForRun,
  scopeApplies,
  entryParts,
  ThresholdError,
  type Threshold,
  type ThresholdEntry,
  type ThresholdScope,
  type ScopedRun,
} from './thresholds.js';
export { EXECUTORS, getExecutor, executorTypes, type ExecutorType } from './executors/registry.js';
export { STORM_HAS_NO_WARMUP } from './executors/connection-storm.js';
export {
  defineExecutor,
  type Executor,
  type ExecutorContext,
  type ExecutorPlan,
  type ExecutorSpec,
} from './executors/types.js';
export { TIMER_KINDS, timerStatus, type TimerChoice, type TimerKind } from './precise-timer.js';
export { decodeHistogram, mergeEncoded, percentiles } from './histogram.js';
export * from './duration.js';
export * from './executors/registry.js';
export * from './executors/sweep-preset.js';
export * from './executors/sweep-run.js';
export * from './executors/sweep.js';
export * from './merge.js';
export * from './presets.js';
export * from './schema.js';
export * from './validate.js';
export * from './verdict.js';
