// What a step sees while it runs: the scenario, its clients, variables, timeouts and the signals
// that stop it. Steps report failure by throwing StepFailure and capability skips with ScenarioSkip.
import type { Properties } from '../../../wire/index.js';
import type { FailureEvidence, StepResult } from '../../result/index.js';
import type { Capability, MqttVersion } from '../../vocabulary.js';
import type { Endpoint, StartedTarget } from '../../targets/index.js';
import type { ScenarioClient } from './client.js';

export interface RunContext {
  /** Capabilities the scenario requires (a v5 CONNACK that denies one skips the scenario). */
  requires: readonly Capability[];
  version: MqttVersion;
  target: StartedTarget;
  endpoint: Endpoint;
  /** Run-time variables; `capture` adds to them as the scenario runs. */
  vars: Record<string, string | number>;
  /** Default wait of a step (ms). */
  stepTimeout: number;
  /** Aborted when the scenario must stop (timeout, user abort, failed sibling branch). */
  signal: AbortSignal;
  /** Milliseconds since the scenario started. */
  clock(): number;
  /** The client of that name, created on first use (not connected). */
  client(name: string): ScenarioClient;
  /** Open the client's connection if it has none (first send/raw/connect). */
  ensureOpen(client: ScenarioClient): Promise<void>;
  /** Open a new connection for the client (connect on a fresh socket, reconnect). */
  reopen(client: ScenarioClient): Promise<void>;
  /** Topics that may hold a retained message when the scenario ends (cleared afterwards). */
  retainedTopics: Set<string>;
  steps: StepResult[];
  /** Credentials the endpoint asks for. */
  credentials: { username?: string; password?: string };
}

export class StepFailure extends Error {
  readonly details: Partial<FailureEvidence> & { clients?: string[] };
  constructor(message: string, details: Partial<FailureEvidence> & { clients?: string[] } = {}) {
    super(message);
    this.name = 'StepFailure';
    this.details = details;
  }
}

export class ScenarioSkip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ScenarioSkip';
  }
}

/** Capabilities a v5 CONNACK says the server lacks. */
export function capabilitiesDeniedByConnack(properties: Properties | undefined): Capability[] {
  if (!properties) return [];
  const denied: Capability[] = [];
  if (properties.retainAvailable === 0) denied.push('retain');
  if (properties.maximumQoS === 0) denied.push('qos1', 'qos2');
  if (properties.maximumQoS === 1) denied.push('qos2');
  if (properties.wildcardSubscriptionAvailable === 0) denied.push('wildcards');
  if (properties.subscriptionIdentifiersAvailable === 0) denied.push('subscription-identifiers');
  if (properties.sharedSubscriptionAvailable === 0) denied.push('shared-subscriptions');
  if (properties.topicAliasMaximum === undefined || properties.topicAliasMaximum === 0)
    denied.push('topic-aliases');
  return denied;
}
