// Resolved scenarios: what the loader hands to the runner. Defaults are filled in, `repeat` is
// unrolled, every step knows its file:line, and the whole object is frozen. Strings may still hold
// run-time variables (${prefix}, ${run}, ${clientId.NAME}), substituted when the scenario runs.
import type { LoadSection } from '../load/index.js';
import type { ResolvedStep } from '../steps/index.js';
import type { TargetSettings } from '../targets/index.js';
import type { Capability, Level, MqttVersion } from '../vocabulary.js';

export type { MqttVersion, Level };
export type {
  AckExpectation,
  Alternative,
  Capture,
  Data,
  DataObject,
  ResolvedStep,
  StepBase,
  StepOf,
} from '../steps/index.js';

export interface ClientSettings {
  clientId?: string;
  version?: MqttVersion;
  autoAck: boolean;
  username?: string;
  password?: string;
}

export interface ResolvedScenario {
  name: string;
  description?: string;
  /** Path as given / relative to the working directory. */
  file: string;
  /** `file:line` of the scenario name. */
  location: string;
  versions: readonly MqttVersion[];
  /** Statement ids per version (an id is listed under each version that defines it). */
  statements: Readonly<Record<MqttVersion, readonly string[]>>;
  level: Level;
  tags: readonly string[];
  requires: readonly Capability[];
  /** The configuration the target must run with; the run starts a configured instance for it. */
  settings?: TargetSettings;
  timeout?: number;
  /**
   * The scenario's own network profile: a built-in name, or the profile file's path (relative to
   * the working directory, like `file`; resolved from the scenario's directory when loaded).
   */
  profile?: string;
  clients: Readonly<Record<string, ClientSettings>>;
  /** Empty for a load scenario. */
  steps: readonly ResolvedStep[];
  /** Number of steps in the flattened list. */
  stepCount: number;
  /** The load section, checked by the load module's own rules when loaded. */
  load?: LoadSection;
}
