// The result of a differential run (`harness diff`): where targets that ran the same scenarios
// behaved differently, grouped so that identical differences read as one row. An optional,
// versioned part of RunResult; reporters render it like the rest of the model.
import type { MqttVersion } from '../vocabulary.js';

export const DIFF_SCHEMA_VERSION = 1;

/**
 * `both legal`: the scenario accepted both behaviours; `one side fails the scenario`: the difference
 * is where one target failed and the other passed; `timing`: the same packets, at very different times.
 */
export const DIFFERENCE_CLASSES = ['one side fails the scenario', 'both legal', 'timing'] as const;
export type DifferenceClass = (typeof DIFFERENCE_CLASSES)[number];

/** What differs. */
export const DIFFERENCE_ASPECTS = [
  'verdict',
  'packet',
  'order',
  'reason code',
  'flag',
  'property',
  'field',
  'close',
  'timing',
] as const;
export type DifferenceAspect = (typeof DIFFERENCE_ASPECTS)[number];

export interface DiffSettings {
  baseline: string;
  /** A timing difference counts when it is larger than this (ms) ... */
  timingToleranceMs: number;
  /** ... and the slower side took at least this many times as long. */
  timingFactor: number;
}

export interface DiffReport {
  schemaVersion: typeof DIFF_SCHEMA_VERSION;
  settings: DiffSettings;
  /** Every target of the run, baseline first. */
  targets: string[];
  /** Scenario instances (scenario × MQTT version × profile) compared on every target. */
  compared: number;
  /** Instances that could not be compared on some target (skipped there, not run, no transcript). */
  notCompared: NotCompared[];
  /** Differences found (occurrences, before grouping). */
  total: number;
  rows: DifferenceRow[];
}

export interface NotCompared {
  scenario: string;
  mqttVersion: '3.1' | MqttVersion;
  profile: string;
  target: string;
  reason: string;
}

export interface DifferenceRow {
  /** Stable key of the row (target, class, aspect, packet, field, values). */
  key: string;
  class: DifferenceClass;
  aspect: DifferenceAspect;
  /** The target compared with the baseline. */
  target: string;
  /** Packet type the difference is about (upper case), when there is one. */
  packet?: string;
  /** Field path, e.g. `reasonCode`, `properties.topicAliasMaximum`. */
  field?: string;
  /** What the baseline did and what the target did, rendered (`0x10`, `absent`, `12–15 ms`). */
  baseline: string;
  other: string;
  /** One line: what differs. */
  summary: string;
  /** How many times it occurred (over all scenarios and steps). */
  count: number;
  /** Statement ids of the scenarios it occurred in. */
  statements: string[];
  /** Where it occurred (the first ones; `count` has the total). */
  occurrences: DifferenceOccurrence[];
  /** What to do about it: a stricter scenario, or a known deviation of the target. */
  next: string[];
}

export interface DifferenceOccurrence {
  scenario: string;
  file: string;
  mqttVersion: '3.1' | MqttVersion;
  profile: string;
  /** Index of the step (flattened step list) and its `file:line`. */
  step: number;
  stepKind: string;
  location?: string;
  client?: string;
  statements: string[];
  /** What exactly differed here (e.g. the failure message, or the two packet sequences). */
  detail?: string;
  /** Timing differences: ms since the step started, on each side. */
  baselineMs?: number;
  otherMs?: number;
}
