// Rate sweeps in the result model: latency against offered load, up to the knee, repeated.
//
// How to read it
// --------------
// A sweep runs one load (a `rate-sweep` section) against one cell: target × profile × MQTT version
// × load name (`SweepResult.key`, the same words as loadKey). The offered rate goes up step by step
// (geometric from a start rate, or an explicit list). Each step warms up first (not measured), then
// measures for its step duration: latency percentiles from the intended send time (µs), the
// delivered rate, drops, delivery verdicts and, for a local broker, its CPU and RSS.
//
// Each step ends as one of three verdicts:
//   ok            the broker kept up: delivered ≥ 99 % of offered, p99 (and any other SLO figure)
//                 within the SLO, no errors, delivery verdicts ok;
//   knee          the broker did not keep up (reason says which rule): the sweep stops here;
//   inconclusive  the generator could not keep its own schedule (saturated) or the step could not
//                 run: nothing is said about the broker at this rate, and the sweep stops here.
// The maximum sustainable rate of one repetition is the offered rate of the last `ok` step before
// the first step that is not ok. `bound` says what stopped it: 'knee' (a real knee was found above
// it), 'generator' (an inconclusive step: the figure is a lower bound, the broker may go higher),
// 'last-rate' (every planned rate was ok: also a lower bound).
//
// A cell is repeated (`repetitions`, in the order they ran; targets interleaved A B C A B C so
// drift on a shared machine hits all alike). `steps` lists, per offered rate, every metric as an
// Estimate over the repetitions that ran that rate: each repetition's value, their mean and a 95 %
// confidence interval from Student's t (n − 1 degrees of freedom; none when n < 2). A wide interval
// says the machine was not steady, not that the broker is variable. `maxSustainableRate` is the
// same kind of Estimate over the repetitions' maximum sustainable rates.
//
// Percentiles rest on samples: `latencySamples` is how many messages a step timed; p99.9 of 2,000
// samples rests on two. samplesAbove() in sweep-stats.ts says how many lie above a percentile.
// Compare two cells with compareEstimates() (sweep-stats.ts): Δ % to a baseline and whether the
// difference is significant (judgeDifference: Welch's t-test over the repetitions' values, the one
// decision of the report's views); rank targets by maximum sustainable rate with significantOrder().
import type { DeliveryVerdict, EncodedHistogram, MqttVersion } from './model.js';

export const SWEEP_STEP_VERDICTS = ['ok', 'knee', 'inconclusive'] as const;
export type SweepStepVerdict = (typeof SWEEP_STEP_VERDICTS)[number];

/** What ended a repetition's climb (see the header). */
export const SWEEP_BOUNDS = ['knee', 'generator', 'last-rate'] as const;
export type SweepBound = (typeof SWEEP_BOUNDS)[number];

/** The service level a step must meet to be ok. Latencies in µs, from the intended send time. */
export interface SweepSlo {
  p50Us?: number;
  p99Us?: number;
  p999Us?: number;
  /** Delivered / offered at least this (default 0.99). */
  minDeliveredRatio: number;
  /** The SLO as the user wrote it, e.g. "p99=20ms". */
  text: string;
}

/** A value measured once per repetition: the values, their mean and a 95 % confidence interval. */
export interface Estimate {
  /** Each repetition's value, in the order the repetitions ran. */
  values: number[];
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 when n < 2. */
  stddev: number;
  /** 95 % confidence interval of the mean, Student's t with n − 1 degrees of freedom; absent when n < 2. */
  ci?: { low: number; high: number; halfWidth: number; level: 0.95 };
}

/** Broker process figures during a step's measured window. */
export interface SweepBrokerUsage {
  /** % of one core. */
  cpuPercent: number;
  rssBytes: number;
  /**
   * 'process': a broker process of its own (/proc/PID/stat, /proc/PID/status). 'shared': the
   * in-process reference broker, whose CPU and memory are the harness process's own
   * (process.cpuUsage/memoryUsage): generator and broker together, an upper bound for the broker.
   */
  source: 'process' | 'shared';
}

/** The CPUs a broker process and the load's worker threads were pinned to (docs/load.md, Placement). */
export interface Placement {
  broker?: string;
  generator?: string;
}

/** One step of one repetition. */
export interface SweepStep {
  /** 0-based position in the planned rates. */
  index: number;
  /** Messages per second the schedule asked for. */
  offeredRate: number;
  /** Messages per second actually sent in the measured window. */
  sentRate: number;
  /** Deliveries per second in the measured window (all subscribers: fan-out counts each copy). */
  deliveredRate: number;
  /** Deliveries expected per second (offered × matching subscribers), what deliveredRate is held to. */
  expectedRate: number;
  warmupMs: number;
  /** Length of the measured window: the whole seconds after the warm-up the generator kept. */
  measuredMs: number;
  /**
   * Seconds of the window left out of every figure of the step because the generator missed its
   * schedule (more than 1 % of its sends over 50 ms late) in them or in the second after them (whose
   * late sends were due in them); absent when none.
   */
  generatorLateSeconds?: number;
  /** Latency, µs, from the intended send time, of messages delivered in the measured window. */
  latencyUs: { p50: number; p99: number; p999: number; max: number };
  /** Messages timed in the measured window (a percentile rests on the samples above it). */
  latencySamples: number;
  /** Sends the schedule asked for but the generator could not make on time (whole step). */
  drops: number;
  /** Connection and protocol errors (whole step). */
  errors: number;
  /** Per QoS, over the whole step (warm-up included: a message lost then is lost). */
  delivery: DeliveryVerdict[];
  /** The generator missed its schedule in every second of the window: nothing was measured. */
  generatorSaturated: boolean;
  broker?: SweepBrokerUsage;
  /** Where the step's broker and load worker threads ran (LoadResult broker.cpus, generator.cpus); absent: unpinned. */
  placement?: Placement;
  /** Measured window histogram, for merging or re-rendering percentiles. */
  histogram?: EncodedHistogram;
  verdict: SweepStepVerdict;
  /** Why knee or inconclusive, in words ("delivered 82 % of offered", "p99 31.2 ms > SLO 20 ms"). */
  reason?: string;
}

/** One climb through the rates. */
export interface SweepRepetition {
  /** 0-based. */
  index: number;
  startedAt: string;
  durationMs: number;
  steps: SweepStep[];
  /** Offered rate of the last ok step before the first step that is not ok; 0 when the first is not ok. */
  maxSustainableRate: number;
  bound: SweepBound;
}

/** Per offered rate, each figure over the repetitions that ran that rate. */
export interface SweepStepSummary {
  offeredRate: number;
  /** Repetitions that reached this rate. */
  reached: number;
  verdicts: Record<SweepStepVerdict, number>;
  /** The worst verdict among the repetitions (inconclusive > knee > ok), with the first reason. */
  verdict: SweepStepVerdict;
  reason?: string;
  deliveredRate: Estimate;
  p50Us: Estimate;
  p99Us: Estimate;
  p999Us: Estimate;
  drops: Estimate;
  /** Smallest latencySamples among the repetitions (sample-size caveats). */
  latencySamples: number;
  brokerCpuPercent?: Estimate;
  brokerRssBytes?: Estimate;
  brokerSource?: SweepBrokerUsage['source'];
}

/** One cell: target × profile × MQTT version × load name, with its repetitions. */
export interface SweepResult {
  /** Same as loadKey(): `${name} · ${target} · ${profile} · MQTT ${mqttVersion}`. */
  key: string;
  name: string;
  file?: string;
  target: string;
  profile: string;
  mqttVersion: MqttVersion;
  /** The planned offered rates, msg/s, in order. */
  rates: number[];
  warmupMs: number;
  stepDurationMs: number;
  slo: SweepSlo;
  /** The `load:` section (rate-sweep) as given. */
  config: Record<string, unknown>;
  /** Where the steps ran (the first placed step's; every step of a run is placed alike); absent: unpinned. */
  placement?: Placement;
  repetitions: SweepRepetition[];
  steps: SweepStepSummary[];
  maxSustainableRate: Estimate;
  /** The bound most repetitions ended on (a lower bound unless 'knee'). */
  bound: SweepBound;
  /**
   * 'passed': every repetition found its knee or ran out of rates; 'inconclusive': at least one
   * stopped on the generator or could not run (reason says which); never 'failed' — reaching a
   * knee is what a sweep is for.
   */
  verdict: 'passed' | 'inconclusive';
  reason?: string;
}
