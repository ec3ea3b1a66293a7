// The canonical, versioned result model. Every reporter is a pure function of RunResult;
// the JSON reporter writes it as is. Bump RESULT_SCHEMA_VERSION on any breaking change.

import type { Level, LoadVerdict, MqttVersion, Verdict } from '../vocabulary.js';
import type { DiffReport } from './diff-model.js';
import type { SweepResult } from './sweep.js';
import type { Transcript } from './transcript.js';

export type { Level, LoadVerdict, MqttVersion, Verdict };
export type * from './diff-model.js';
export type * from './transcript.js';
export type * from './sweep.js';

export const RESULT_SCHEMA_VERSION = 1;

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'mqtt-harness'; version: string };
  startedAt: string; // ISO 8601
  durationMs: number;
  /** Set when the run stopped early (Ctrl-C, --bail, fatal target error). */
  interrupted?: { reason: string };
  targets: TargetInfo[];
  profiles: ProfileInfo[];
  scenarios: ScenarioResult[];
  loads: LoadResult[];
  /** Rate sweeps (`rate-sweep` loads): one per cell, with its repetitions (harness/result/sweep.ts). */
  sweeps?: SweepResult[];
  summary: RunSummary;
  /** Differential run (`harness diff`): where the targets behaved differently. */
  diff?: DiffReport;
}

export interface TargetInfo {
  name: string;
  kind: string; // reference | mosquitto | aedes | url | command
  url: string;
  version?: string;
  /** How long the target took to start (JVM/Erlang start-up included); not part of any measured figure. */
  startupMs?: number;
  /** The CPUs the broker process ran on, read back from /proc (absent: not pinned). */
  cpus?: string;
  /** Known deviations of this target, from its deviations file. */
  knownDeviations?: { scenario: string; statement: string; description: string }[];
}

/** The effect the harness measured through a profile (not the setting). */
export interface MeasuredEffect {
  rttMs?: { p50: number; p99: number };
  throughputBytesPerSec?: number;
  /** Round trips timed (CONNECT→CONNACK, PINGREQ→PINGRESP) behind rttMs. */
  rttSamples?: number;
  /** Kernel backend: packets dropped / duplicated by the rules (both directions). */
  packets?: { dropped: number; duplicated: number };
}

/**
 * What a load's network profile did while the load ran. Measured by the profile's proxy: its own share
 * of each CONNECT→CONNACK / PINGREQ→PINGRESP round trip (the broker's answer time taken out), and the
 * bytes per direction over the span they flowed. A miss: RTT off by more than max(10 %, 2 ms), or a
 * direction faster than its bandwidth limit by more than 10 % (docs/network.md, "Profile check").
 */
export interface ProfileCheck {
  nominalRttMs: number;
  /** p50 of the profile's share of the round trips timed during the load. */
  measuredRttMs?: number;
  rttSamples: number;
  /** The tightest bandwidth limit per direction, bytes/s. */
  nominalThroughputBytesPerSec?: { upstream?: number; downstream?: number };
  measuredThroughputBytesPerSec?: { upstream: number; downstream: number };
  /** Where the proxy's event loop ran: its own worker thread, or the harness's thread. */
  runsIn: 'worker-thread' | 'calling-thread';
  withinTolerance: boolean;
  /** Why it missed, or what could not be judged. */
  reason?: string;
}

export interface ProfileInfo {
  name: string;
  description?: string;
  /** Measured through the profile towards the first target (see `byTarget` for each one). */
  measured?: MeasuredEffect;
  /** With several targets: what was measured through this profile towards each of them. */
  byTarget?: { target: string; measured: MeasuredEffect }[];
  /** How it was applied: 'proxy' or 'proxy+kernel'. */
  backend?: string;
  /** Kernel rules applied, and what this machine could not do. */
  notes?: string[];
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  warnings: number;
  deviations: number;
  loadsFailed: number;
  /** Loads whose figures cannot be trusted (verdict inconclusive); absent in older results. */
  loadsInconclusive?: number;
}

export interface ScenarioResult {
  /** Stable key: scenario name × target × version × profile. */
  id: string;
  name: string;
  file: string; // path relative to the working directory
  description?: string;
  target: string;
  profile: string; // 'none' when no network profile applied
  mqttVersion: '3.1' | MqttVersion;
  statements: string[];
  tags: string[];
  level: Level;
  verdict: Verdict;
  /** Why skipped, or the short failure message. */
  reason?: string;
  durationMs: number;
  failure?: FailureEvidence;
  /** Per-step timing, for the list reporter and HTML. */
  steps?: StepResult[];
  /** Every packet sent and received, by step, when the run keeps transcripts (`harness diff`). */
  transcript?: Transcript;
}

export interface StepResult {
  index: number; // 0-based position in the flattened step list
  kind: string; // connect, send, expect, ...
  client?: string;
  status: 'passed' | 'failed' | 'skipped';
  startMs: number; // since scenario start
  durationMs: number;
}

export interface FailureEvidence {
  stepIndex: number;
  stepKind: string;
  /** file:line of the step in the scenario file. */
  location?: string;
  client?: string;
  message: string;
  /** What was allowed (each alternative, decoded form as YAML-able object). */
  expected?: unknown[];
  /** What arrived instead, decoded field by field (null when nothing arrived). */
  received?: ReceivedPacket[];
  /** Time since the step started, when the failure was decided. */
  elapsedMs?: number;
}

export interface ReceivedPacket {
  atMs: number; // since scenario start
  client: string;
  decoded?: unknown; // packet object, Buffers as {hex}
  hex: string;
  /** Decoder error when the bytes did not form a valid packet (statement id + message). */
  decodeError?: string;
  event?: 'packet' | 'closed' | 'reset' | 'timeout' | 'error';
}

// ---- load results ----

export interface EncodedHistogram {
  /** hdr-histogram-js compressed base64 encoding; merge by decoding and adding. */
  encoded: string;
  unit: 'us';
}

export interface Percentiles {
  count: number;
  min: number;
  mean: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadInterval {
  startMs: number; // since load start
  durationMs: number;
  sent: number;
  received: number;
  errors: number;
  /** Sends made more than 50 ms after they were due (absent in results written before it was counted). */
  lateSends?: number;
  latency: Percentiles; // end-to-end publish → deliver, µs, from intended send time
  histogram: EncodedHistogram;
}

export interface DeliveryVerdict {
  qos: 0 | 1 | 2;
  expected: number; // published × matching subscribers
  received: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  ok: boolean; // QoS 1: lost == 0; QoS 2: lost == 0 && duplicated == 0; QoS 0: always true (loss reported)
}

export interface ThresholdResult {
  expression: string; // e.g. "p99 < 20ms"
  /** In `unit`. */
  actual: number;
  ok: boolean;
  /** The unit of `actual` and of the expression's limit: us, ms, s, /s, or '' for counts. */
  unit?: string;
  /** A threshold on a timing figure (latency, rate, overrun): an untrusted run cannot fail it. */
  timing?: boolean;
  /**
   * An upper bound on a latency (`p99 < 2s`): latency is measured from the intended send time, so a
   * late generator only makes it larger; a bound that held holds for the broker too.
   */
  latencyUpperBound?: boolean;
  /** Scope of a scoped threshold (`{ expression, target, profile }` in the scenario). */
  target?: string;
  profile?: string;
}

/** Kernel TCP counters (Linux, machine-wide), their change over the load: from /proc/net/netstat and /proc/net/snmp. */
export interface KernelCounters {
  /** TcpExt ListenOverflows: connections a full accept queue turned away. */
  listenOverflows: number;
  /** TcpExt ListenDrops: SYNs dropped on a listening socket, overflows included. */
  listenDrops: number;
  /** TcpExt TCPSynRetrans: SYNs sent again (each one costs a client at least 1 s). */
  synRetransmits: number;
  /** Tcp RetransSegs: segments sent again, of any kind. */
  retransmittedSegments: number;
}

/** A running load's last whole second (the load engine sends one per second to reporters). */
export interface LoadProgress {
  load: string;
  target: string;
  elapsedMs: number;
  sentPerSec: number;
  receivedPerSec: number;
  p99Us: number;
  errors: number;
}

export interface LoadResult {
  id: string;
  name: string;
  file?: string;
  target: string;
  profile: string;
  mqttVersion: MqttVersion;
  executor: string;
  config: Record<string, unknown>;
  startedAt: string;
  durationMs: number;
  intended: number; // messages the schedule asked for
  sent: number;
  dropped: number; // could not be sent on time (arrival-rate executors)
  received: number;
  errors: number;
  rate: { sentPerSec: number; receivedPerSec: number };
  latency: Percentiles; // µs
  histogram: EncodedHistogram;
  /**
   * Service time, µs: from the message's actual send to its delivery (latency minus the generator's
   * own send lateness, per message). `latency` (from the intended time) is the figure to judge a
   * broker by; the difference between the two is the generator's share.
   */
  serviceTime?: { percentiles: Percentiles; histogram: EncodedHistogram };
  /** The generator's send lateness, µs: actual send − intended send time, per sent message. */
  sendLateness?: { percentiles: Percentiles; histogram: EncodedHistogram };
  ackLatency?: { percentiles: Percentiles; histogram: EncodedHistogram }; // PUBACK/PUBCOMP round trip
  /**
   * The warm-up before the measured schedule (absent: none). Its messages are in none of the counts,
   * rates, histograms or intervals above and below, except the delivery verdicts (every message
   * sent must arrive, warm-up or not).
   */
  warmup?: LoadWarmup;
  connectLatency?: { percentiles: Percentiles; histogram: EncodedHistogram };
  intervals: LoadInterval[];
  delivery: DeliveryVerdict[];
  generator: {
    saturated: boolean; // generator-saturated: could not keep the schedule
    /**
     * The event-loop delay monitor's raw p99, ms: it includes the monitor's 10 ms sampling period
     * (EVENT_LOOP_SAMPLING_MS), so an idle loop reads ≈ 10. Kept for older readers; show
     * eventLoopDelayP99Ms (result/generator.ts eventLoopDelayP99Ms() reads both).
     */
    eventLoopLagP99Ms: number;
    /** The worst worker's event-loop delay p99 beyond the monitor's sampling period, ms. */
    eventLoopDelayP99Ms?: number;
    scheduleOverrunMs: number;
    cpuPercent: number;
    workers: number;
    /** 99th percentile of (actual send time − intended send time), ms. */
    sendLatenessP99Ms?: number;
    /** Messages received that another run (or no load run) published; ignored. */
    foreignMessages?: number;
    /** How the send schedule woke: timerfd (native addon), wait-thread, spin or libuv (setTimeout). */
    timer?: string;
    /**
     * The CPUs the worker threads were pinned to (the load's `cpus`, `--generator-cpus`), as the
     * kernel reported them after pinning; absent: not pinned.
     */
    cpus?: string;
    /** Generator CPU (every thread, user + system) per delivered message, µs: the cost of the run. */
    cpuPerMessageUs?: number;
    /**
     * Time the generator was ready to run but waited for a CPU during the measured schedule, ms
     * (Linux schedstat; absent elsewhere): its worker threads' (summed) and its whole process's. A
     * wait that is a large share of the schedule means the machine, not the generator, set the tail.
     */
    runQueueWaitMs?: { workers: number; process: number };
  };
  broker?: {
    cpuPercent: number;
    rssMaxBytes: number;
    rssSamples?: { atMs: number; rssBytes: number }[];
    /** The CPUs the broker process ran on (TargetInfo.cpus); absent: not pinned. */
    cpus?: string;
  };
  /** Connections opened by the load engine (peak = concurrently open at most, summed over workers). */
  connections?: { attempted: number; connected: number; failed: number; peak: number };
  /** The first error messages (connect refusals, closed connections, decode errors). */
  errorMessages?: string[];
  thresholds: ThresholdResult[];
  /** The network profile's measured effect during this load beside its nominal one (absent: no profile). */
  profileCheck?: ProfileCheck;
  /** Kernel TCP counters over the load (setup, schedule and drain); absent where /proc cannot be read. */
  kernel?: KernelCounters;
  /**
   * Why the figures cannot be trusted, one sentence each: they make the verdict `inconclusive`
   * unless the load failed on something the machine cannot explain (delivery, errors, counts).
   */
  inconclusive?: string[];
  /**
   * What the figures include besides the broker, when it cannot change the verdict: the generator's
   * send lateness where every timing claim is a latency upper bound that held (the figures are
   * then upper bounds of the broker's).
   */
  caveats?: string[];
  verdict: LoadVerdict;
  /** Why it failed or is inconclusive: every problem, joined by '; '. */
  reason?: string;
  /** One shard's part of a sharded load (`--shard I/N`); `harness merge` joins the shards exactly. */
  shard?: LoadShard;
  /** A load merged from its shards: which were there, and their clocks. */
  shards?: MergedShards;
  /** A target pool (several endpoints of one cluster): the figures of each endpoint. */
  endpoints?: EndpointFigures[];
}

/** The warm-up of a timed load: its messages, counted and timed apart from the measured schedule. */
export interface LoadWarmup {
  durationMs: number;
  intended: number;
  sent: number;
  dropped: number;
  received: number;
  /** Latency from the intended send time, µs. */
  latency: Percentiles;
  histogram: EncodedHistogram;
}

/**
 * What one shard ran and saw, enough to judge delivery across shards: the sent count of each of
 * its publishers, its receivers, and per receiver and publisher the sequence numbers it got (a
 * bitset), so a subscriber in one shard is judged against publishers in any other.
 */
export interface LoadShard {
  runId: string;
  /** Hash of the resolved load without the shard: shards of one run carry the same. */
  planHash: string;
  index: number;
  count: number;
  /** The schedule's start on this shard's clock, epoch ms (agreed at the start barrier). */
  startMs: number;
  /** This shard's clock against shard 0's, estimated from round trips through the broker. */
  clock?: ShardClockEstimate;
  publishers: { index: number; topic: string; qos: 0 | 1 | 2; sent: number }[];
  receivers: { key: string; filter: string; qos: 0 | 1 | 2 }[];
  deliveries: {
    key: string;
    pairs: { publisher: number; received: number; outOfOrder: number; bits: string }[];
  }[];
}

export interface ShardClockEstimate {
  offsetMs: number;
  /** ± ms; −1 when no estimate could be made. */
  uncertaintyMs: number;
  rttMs: number;
  reference: string;
}

export interface MergedShards {
  runId: string;
  planHash: string;
  count: number;
  merged: number[];
  missing: number[];
  clocks: ({ index: number } & ShardClockEstimate)[];
}

export interface EndpointFigures {
  /** host:port */
  endpoint: string;
  clients: number;
  connected: number;
  failed: number;
  sent: number;
  received: number;
}
