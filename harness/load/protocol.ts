// Messages between the engine (main thread) and its workers, and the plan each worker gets.
// Everything here is plain JSON (structured-clone safe): the same plan drives a worker thread
// or the in-process runtime.
import type { TimerKind } from './precise-timer.js';
import type { LoadSection } from './schema.js';

export interface ClientSpec {
  /** Global index inside its group (publishers or subscribers). */
  index: number;
  clientId: string;
  /** Publish topic or subscription filter (with $share/<group>/ when shared). */
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  cleanStart: boolean;
  sessionExpiry?: number;
  keepAlive: number;
  protocolLevel: 4 | 5;
  localAddress?: string;
  /** Index into WorkerPlan.endpoints (a target pool); 0 otherwise. */
  endpoint?: number;
  /** Subscribers: delivery-tracking key. */
  receiverKey?: string;
  /** Subscribers: the filter without $share, for matching. */
  filter?: string;
}

export interface WorkerPlan {
  workerIndex: number;
  workerCount: number;
  runTag: number;
  prefix: string;
  host: string;
  port: number;
  /** A target pool: every endpoint (host:port), clients assigned by ClientSpec.endpoint. */
  endpoints: { host: string; port: number }[];
  /** How bare connections (connection-storm) spread over the pool. */
  spread: 'round-robin' | 'hash';
  username?: string;
  password?: string;
  protocolLevel: 4 | 5;
  /** The load section as validated; the worker's executor computes its plan from it. */
  section: LoadSection;
  publishers: ClientSpec[];
  subscribers: ClientSpec[];
  /** Topics of every publisher in the run, by global index (for expected-delivery counts). */
  allPublisherTopics: string[];
  totalPublishers: number;
  /** This worker's connections per second during setup (0: unlimited). */
  connectRate: number;
  sourceAddresses: string[];
  maxInflight: number;
  drainTimeoutMs: number;
  timeoutMs: number;
  /** The shard this process runs ({0, 1} unsharded): bare connections are sliced by it. */
  segment: { index: number; count: number };
  /** Part of a sharded run: receivers may expect messages from publishers in other processes. */
  sharded: boolean;
}

export interface IntervalMessage {
  type: 'interval';
  index: number;
  /** When the worker closed this interval, ms since the load start. */
  endMs: number;
  /** The worker's last interval, closed when its part of the run ended rather than by the 1 s timer. */
  final: boolean;
  sent: number;
  received: number;
  errors: number;
  /** Sends made more than LATE_SEND_MS (50 ms) after they were due. */
  late: number;
  /** The interval's latency histogram as non-empty buckets [index, count, ...] (Recorder.drainBuckets). */
  buckets: number[];
}

export interface WorkerReport {
  intended: number;
  sent: number;
  dropped: number;
  received: number;
  foreign: number;
  errors: number;
  errorMessages: string[];
  latency: string;
  /** From the actual send (latency − the sender's lateness). */
  service: string;
  ack: string;
  connect: string;
  lateness: string;
  eventLoopLagP99Ms: number;
  /** The means the worker's send schedule woke by (open models). */
  timer?: TimerKind;
  scheduleOverrunMs: number;
  /**
   * Time spent ready to run but waiting for a CPU during the measured schedule, ms (Linux
   * schedstat): this worker's thread, and every thread of its process.
   */
  runQueueWaitMs?: { thread: number; process: number };
  /** The worker thread's TID and the CPUs the kernel reports for it after pinning (section `cpus`). */
  placement?: { tid: number; cpus: string };
  receivers: ReceiverReport[];
  sentByPublisher: [number, number][];
  connections: { attempted: number; connected: number; failed: number; peak: number };
  /** Per endpoint of a target pool (same order as WorkerPlan.endpoints). */
  endpoints: { attempted: number; connected: number; failed: number; sent: number; received: number }[];
  firstSendMs: number;
  lastSendMs: number;
  /** The messages due during the warm-up: counts and latency (encoded histogram), kept apart. */
  warmup: { intended: number; sent: number; dropped: number; received: number; latency: string };
}

export type WorkerMessage =
  | { type: 'ready'; connected: number; failed: number; errors: string[] }
  | IntervalMessage
  | { type: 'published'; sentByPublisher: [number, number][] }
  | { type: 'report'; report: WorkerReport }
  | { type: 'fatal'; message: string };

export type EngineMessage =
  | { type: 'start'; startMs: number }
  /** pathProbed: 'path' messages follow during the drain (drain-path.ts). */
  | { type: 'drain'; sentByPublisher: number[]; pathProbed?: boolean }
  /** Whether the network path still held bytes when the engine last asked (drain-path.ts). */
  | { type: 'path'; busy: boolean }
  | { type: 'abort' };

export interface PairReport {
  publisher: number;
  received: number;
  outOfOrder: number;
  /** base64 bitset of sequence numbers seen */
  bits: string;
}

export interface ReceiverReport {
  key: string;
  pairs: PairReport[];
}
