// Scenario format: schema (single source of truth), loader and resolved types.
export {
  Scenario as ScenarioSchema,
  Step as StepSchema,
  SCHEMA_DEFINITIONS,
  STEP_KINDS,
  CAPABILITIES,
  MQTT_VERSIONS,
} from './schema.js';
export type { ScenarioInput, StepInput, StepKind, MqttVersion } from './schema.js';
export {
  loadScenarios,
  checkScenarios,
  parseScenario,
  findScenarioFiles,
  type LoadOptions,
} from './loader.js';
export { buildJsonSchema } from './json-schema.js';
export { scopeProblems, type ScopeProblem } from './threshold-scopes.js';
export type * from './types.js';
export * from './loader.js';
export * from './types.js';
