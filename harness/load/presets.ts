// Bench presets (`harness bench fanin|fanout|pairs|conn-storm|retained`): emqtt-bench-like
// shapes expressed as ordinary load sections, so a preset is a load scenario like any other and
// `harness bench` runs it through runHarness, the path `harness run` takes.
import type { ResolvedScenario } from '../scenario/index.js';
import type { MqttVersion } from '../vocabulary.js';
import type { TimerChoice } from './precise-timer.js';
import type { LoadSection } from './schema.js';

export const PRESETS = ['fanin', 'fanout', 'pairs', 'conn-storm', 'retained'] as const;
export type BenchPreset = (typeof PRESETS)[number];

export interface BenchOptions {
  qos?: 0 | 1 | 2;
  /** Messages per second for the whole run; 0 or undefined with `max: true` = closed loop. */
  rate?: number;
  max?: boolean;
  size?: number;
  publishers?: number;
  subscribers?: number;
  duration?: string | number;
  window?: number;
  maxInflight?: number;
  /** Open loop: how the send schedule wakes (the section's `timer`). */
  timer?: TimerChoice;
  workers?: number | 'auto';
  connections?: number;
  connectRate?: number;
  hold?: string | number;
  /** Timed presets: unmeasured time before the schedule (the section's `warmup`). */
  warmup?: string | number;
  thresholds?: string[];
}

export function presetSection(preset: BenchPreset, options: BenchOptions): LoadSection {
  const qos = options.qos ?? 0;
  const size = options.size ?? 64;
  const duration = options.duration ?? '10s';
  const common = {
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
    ...(options.connectRate === undefined ? {} : { connectRate: options.connectRate }),
  };
  if (preset === 'conn-storm') {
    return {
      executor: 'connection-storm',
      connections: options.connections ?? 1000,
      connectRate: options.connectRate ?? 500,
      hold: options.hold ?? '2s',
      ...common,
    };
  }
  const closed = options.max === true || options.rate === 0;
  const shape = {
    fanin: { publishers: 10, subscribers: 1, topic: '{prefix}/t/%i', filter: '{prefix}/t/+', retain: false },
    fanout: { publishers: 1, subscribers: 10, topic: '{prefix}/t', filter: '{prefix}/t', retain: false },
    pairs: {
      publishers: 10,
      subscribers: 10,
      topic: '{prefix}/t/%i',
      filter: '{prefix}/t/%i',
      retain: false,
    },
    retained: {
      publishers: 10,
      subscribers: 1,
      topic: '{prefix}/r/%i',
      filter: '{prefix}/r/+',
      retain: true,
    },
  }[preset];
  const publishers = options.publishers ?? shape.publishers;
  const subscribers = options.subscribers ?? (preset === 'pairs' ? publishers : shape.subscribers);
  const warmup = options.warmup === undefined ? {} : { warmup: options.warmup };
  const clients = {
    publishers: { count: publishers, topic: shape.topic, qos, size, retain: shape.retain },
    subscribers: { count: subscribers, topic: shape.filter, qos },
  };
  if (closed)
    return {
      executor: 'closed-loop',
      duration,
      ...warmup,
      window: options.window ?? 10,
      ...common,
      ...clients,
    };
  return {
    executor: 'constant-arrival-rate',
    duration,
    rate: options.rate ?? 1000,
    ...warmup,
    ...(options.maxInflight === undefined ? {} : { maxInflight: options.maxInflight }),
    ...(options.timer === undefined ? {} : { timer: options.timer }),
    ...common,
    ...clients,
  };
}

/** The preset as a load scenario (validated by runHarness's plan, like a scenario file's load). */
export function presetScenario(
  preset: BenchPreset,
  options: BenchOptions,
  mqttVersion: MqttVersion,
): ResolvedScenario {
  const where = `harness bench ${preset}`;
  return {
    name: `bench-${preset}`,
    file: where,
    location: where,
    versions: [mqttVersion],
    statements: { '3.1.1': [], '5.0': [] },
    level: 'must',
    tags: ['bench'],
    requires: [],
    clients: {},
    steps: [],
    stepCount: 0,
    load: presetSection(preset, options),
  };
}
