// Step kinds: each kind is one file under kinds/ (schema, resolver, runner), registered once in
// registry.ts. The scenario loader resolves steps through resolveStepList; the runner runs them with
// runStep.
export {
  STEP_KINDS,
  StepSchema,
  type ResolvedStep,
  type StepInput,
  type StepKind,
  type StepMap,
  type StepOf,
} from './registry.js';
export { resolveStepList, type ResolvedStepList, type StepsHost } from './resolve.js';
export { checkVariables } from './variables.js';
export { runStep } from './run.js';
export type { RunSteps, StepBase } from './define.js';
export type { Data, DataObject } from './data.js';
export type { Alternative, Capture } from './alternatives.js';
export type { AckExpectation } from './acknowledgement.js';
export {
  Bytes,
  ConnackPattern,
  Encoding,
  PacketPattern,
  PatternProperties,
  SendPacket,
  SendProperties,
  SendWill,
  PACKET_TYPES,
  ref,
} from './packet-schema.js';
export { ScenarioClient, describeEvent, type ClientObserver, type InboxEvent } from './runtime/client.js';
export { ScenarioSkip, StepFailure, type RunContext } from './runtime/context.js';
export { AbortedError, waitFor } from './runtime/wait.js';
export * from './runtime/client.js';
