// Resolved scenarios: what the loader hands to the runner. Defaults are filled in, `repeat` is
// unrolled, every step knows its file:line, and the whole object is frozen. Strings may still hold
// run-time variables (${prefix}, ${run}, ${clientId.NAME}), substituted when the scenario runs.
import type { Capability } from '../targets/types.js';
import type { MqttVersion } from './schema.js';

export type { MqttVersion };
export type Level = 'must' | 'should' | 'may';

/** Plain JSON-like data from the file (packets, patterns, properties). */
export type Data = null | boolean | number | string | readonly Data[] | { readonly [key: string]: Data };
export type DataObject = { readonly [key: string]: Data };

export interface ClientSettings {
  clientId?: string;
  version?: MqttVersion;
  autoAck: boolean;
  username?: string;
  password?: string;
}

/** One allowed outcome of an expectation. */
export type Alternative = { readonly packet: DataObject } | { readonly closed: true };

interface StepBase {
  /** 0-based position in the flattened step list (repeat unrolled, parallel branches in order). */
  index: number;
  /** `file:line` of the step in the scenario file. */
  location: string;
}

export interface ConnectStep extends StepBase {
  kind: 'connect' | 'reconnect';
  client: string;
  /** CONNECT fields given in the file (clientId, cleanStart, will, properties, ...). */
  fields: DataObject;
  encoding?: DataObject;
  /** `none`: do not wait; otherwise the allowed outcomes (default: CONNACK with reason 0). */
  expect: 'none' | readonly Alternative[];
  timeout?: number;
}
export interface SendStep extends StepBase {
  kind: 'send';
  client: string;
  packet: DataObject;
  encoding?: DataObject;
}
export interface RawStep extends StepBase {
  kind: 'raw';
  client: string;
  hex: string;
}
/** Packet field → variable name: the matched packet's value is kept for later steps. */
export type Capture = Readonly<Partial<Record<'packetId', string>>>;
export interface ExpectStep extends StepBase {
  kind: 'expect';
  client: string;
  alternatives: readonly Alternative[];
  timeout?: number;
  skipUnmatched: boolean;
  capture?: Capture;
}
export interface ExpectAllItem {
  client: string;
  alternative: Alternative;
  timeout?: number;
  skipUnmatched: boolean;
  capture?: Capture;
}
export interface ExpectAllStep extends StepBase {
  kind: 'expectAll';
  items: readonly ExpectAllItem[];
}
export interface ExpectNothingStep extends StepBase {
  kind: 'expectNothing';
  client: string;
  duration: number;
  types?: readonly string[];
}
/** Exactly `count` packets matching `pattern` arrive on `clients` (together) within `duration`. */
export interface ExpectCountStep extends StepBase {
  kind: 'expectCount';
  clients: readonly string[];
  pattern: DataObject;
  count: number;
  duration: number;
}
export interface ExpectClosedStep extends StepBase {
  kind: 'expectClosed';
  client: string;
  timeout?: number;
  disconnectReasonCodes?: readonly number[];
  requireDisconnect: boolean;
  skipUnmatched: boolean;
}
export interface WaitStep extends StepBase {
  kind: 'wait';
  ms: number;
}
export interface DisconnectStep extends StepBase {
  kind: 'disconnect';
  client: string;
  reasonCode?: number;
  properties?: DataObject;
}
export interface DropStep extends StepBase {
  kind: 'drop';
  client: string;
}
/** Expected acknowledgement of a subscribe / unsubscribe / publish step. */
export type AckExpectation = 'none' | 'success' | DataObject;
export interface SubscribeStep extends StepBase {
  kind: 'subscribe';
  client: string;
  subscriptions: readonly DataObject[];
  packetId?: number;
  properties?: DataObject;
  expect: AckExpectation;
  timeout?: number;
}
export interface UnsubscribeStep extends StepBase {
  kind: 'unsubscribe';
  client: string;
  filters: readonly string[];
  packetId?: number;
  properties?: DataObject;
  expect: AckExpectation;
  timeout?: number;
}
export interface PublishStep extends StepBase {
  kind: 'publish';
  client: string;
  packet: DataObject;
  encoding?: DataObject;
  expect: AckExpectation;
  timeout?: number;
}
export interface PingStep extends StepBase {
  kind: 'ping';
  client: string;
  timeout?: number;
}
export interface ParallelStep extends StepBase {
  kind: 'parallel';
  branches: readonly (readonly ResolvedStep[])[];
}

export type ResolvedStep =
  | ConnectStep
  | SendStep
  | RawStep
  | ExpectStep
  | ExpectAllStep
  | ExpectNothingStep
  | ExpectCountStep
  | ExpectClosedStep
  | WaitStep
  | DisconnectStep
  | DropStep
  | SubscribeStep
  | UnsubscribeStep
  | PublishStep
  | PingStep
  | ParallelStep;

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
  timeout?: number;
  profile?: string;
  clients: Readonly<Record<string, ClientSettings>>;
  /** Empty for a load scenario. */
  steps: readonly ResolvedStep[];
  /** Number of steps in the flattened list. */
  stepCount: number;
  /** The load section, validated by the load module when run. */
  load?: DataObject;
}
