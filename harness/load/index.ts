// Public surface of the load engine (docs/load.md).
export { LoadSection, PublisherGroup, SubscriberGroup, PayloadSize, Stage } from './schema.js';
export { runLoadScenario, type LoadRunContext } from './engine.js';
export { mergeLoadResults, mergeRunResults, groupByKey, MergeError } from './merge.js';
export { presetScenario, presetSection, PRESETS, type BenchPreset, type BenchOptions } from './presets.js';
export { validateLoadSection, LoadConfigError } from './validate.js';
export {
  parseThreshold,
  parseThresholds,
  evaluateThresholds,
  ThresholdError,
  type Threshold,
} from './thresholds.js';
export { getExecutor, executorTypes } from './executors/registry.js';
export type { Executor, ExecutorContext, ExecutorPlan } from './executors/types.js';
export { decodeHistogram, mergeEncoded, percentiles } from './histogram.js';
