// The words several modules share, each listed once as an `as const` array. Types and schema unions
// are derived from these lists, so adding a value is one edit here and the compiler finds every
// switch that must handle it. Modules import from here instead of re-declaring a union.
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';

/** MQTT versions a scenario, a load or a target may speak. */
export const MQTT_VERSIONS = ['3.1.1', '5.0'] as const;
export type MqttVersion = (typeof MQTT_VERSIONS)[number];

/** Features a scenario may require; a target that lacks one gets `skipped`, never `passed`. */
export const CAPABILITIES = [
  'mqtt-3.1.1',
  'mqtt-5.0',
  'qos1',
  'qos2',
  'retain',
  'wildcards',
  'shared-subscriptions',
  'subscription-identifiers',
  'topic-aliases',
  'will-delay',
  'sys-topics',
  // Behaviour the specs allow a broker to do without, which some scenarios need in order to observe
  // a rule at all:
  'multiple-in-flight', // sends a client further QoS 1/2 messages while earlier ones are unacknowledged
  'dollar-topic-routing', // routes messages clients publish on topic names starting with $
  'receive-maximum-limit', // advertises a Receive Maximum below 65,535, so a client can exceed it
  'any-credentials', // accepts a CONNECT with any user name and password
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/**
 * What a scenario run can end as. warning: a SHOULD/MAY scenario that did not hold (informational,
 * does not fail the run). deviation: a failure recorded as a known deviation of that target.
 */
export const VERDICTS = ['passed', 'failed', 'skipped', 'warning', 'deviation'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * What a load run can end as. inconclusive: the figures describe the machine rather than the broker
 * (the generator missed its schedule, the kernel dropped connection attempts, a network profile
 * missed its nominal effect), so the load is neither passed nor failed (docs/load.md, Verdicts).
 */
export const LOAD_VERDICTS = ['passed', 'failed', 'inconclusive'] as const;
export type LoadVerdict = (typeof LOAD_VERDICTS)[number];

/** Requirement levels of normative statements (MUST, SHOULD, MAY). */
export const LEVELS = ['must', 'should', 'may'] as const;
export type Level = (typeof LEVELS)[number];

/** A TypeBox union of string literals, derived from one of the lists above. */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value: T[number]) => Type.Literal(value)),
    options,
  );
}
