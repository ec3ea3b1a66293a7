// Public surface of the harness package: the programmatic API, the scenario format, the result
// model and the error catalogue. Everything else is internal.
export {
  runHarness,
  loadScenarios,
  checkScenarios,
  validateScenarios,
  listScenarios,
  filterScenarios,
  summarize,
  toolVersion,
  type HarnessOptions,
  type ReporterOutput,
} from './api.js';
export type { RunOptions, ResolvedConfig, TargetSpec } from './config/index.js';
export {
  ScenarioSchema,
  StepSchema,
  STEP_KINDS,
  CAPABILITIES,
  MQTT_VERSIONS,
  buildJsonSchema,
  parseScenario,
} from './scenario/index.js';
export type {
  ResolvedScenario,
  ResolvedStep,
  ScenarioInput,
  StepInput,
  MqttVersion,
} from './scenario/index.js';
export {
  ERROR_CODES,
  HarnessError,
  ScenarioValidationError,
  TransportError,
  formatIssue,
  isHarnessError,
  PlanError,
  type HarnessErrorCode,
  type ScenarioIssue,
} from './errors.js';
export * from './result/index.js';
export type { Reporter, ReporterContext, RunBeginInfo, LoadProgress } from './reporters/index.js';
export type { Capability, Endpoint, StartedTarget, KnownDeviation, Transport } from './targets/index.js';
export { openConnection, type Connection, type CloseInfo } from './transport/index.js';
export { STATEMENTS, findStatement, type Statement } from './spec/index.js';
export {
  startRecorder,
  recordSession,
  recordingToYaml,
  generateScenario,
  type RecorderOptions,
  type RunningRecorder,
  type Recording,
  type RecordSessionOptions,
  type GenerateOptions,
} from './record/index.js';
export { diffRun, DIFF_DEFAULTS, type DiffOptions } from './diff/index.js';
export { DIFF_SCHEMA_VERSION } from './result/index.js';
export { TRANSCRIPT_VERSION } from './result/index.js';
export { SWEEP_STEP_VERDICTS, SWEEP_BOUNDS } from './result/index.js';
export {
  estimate,
  compareEstimates,
  judgeDifference,
  significantOrder,
  compareSustainable,
  samplesAbove,
  summarizeSweep,
  tCritical95,
  type Evidence,
  type EstimateComparison,
  type OrderClaim,
  type RankedCell,
} from './result/index.js';
