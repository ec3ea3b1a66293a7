// The executor contract (after k6's lib/executor): one file per load model, registered by type
// string. validate() returns every problem, plan() computes the schedule's shape before anything
// runs (plain JSON, sent to worker threads), run() drives this worker's share of the schedule.
import type { LoadClient } from '../client.js';
import type { PublishEncoder } from '../fast-publish.js';
import type { LoadSection } from '../schema.js';

export interface ExecutorPlan {
  /** Length of the schedule (excluding setup and drain). */
  durationMs: number;
  /** Messages (or connections, for connection-storm) the schedule asks for; undefined when open-ended. */
  intended: number | undefined;
  /** Executor-specific numbers (rates, stages, window, ...), JSON only. */
  settings: Record<string, unknown>;
}

export interface PublisherHandle {
  /** Global publisher index (carried in every payload). */
  readonly index: number;
  readonly client: LoadClient;
  readonly encoder: PublishEncoder;
  readonly qos: 0 | 1 | 2;
  seq: number;
}

export interface ExecutorContext {
  readonly section: LoadSection;
  readonly plan: ExecutorPlan;
  /** Epoch ms at which the schedule starts (same value in every worker). */
  readonly startMs: number;
  readonly signal: AbortSignal;
  /** This worker's publishers, sorted by global index. */
  readonly publishers: readonly PublisherHandle[];
  readonly totalPublishers: number;
  /** This worker's position among the workers (connection-storm splits its connections by it). */
  readonly share: { index: number; count: number };
  /** Send one message intended at `intendedMs`; false when it could not be sent (counted as dropped). */
  publish(publisher: PublisherHandle, intendedMs: number): boolean;
  /** Count messages the schedule asked for (publish() counts sent and dropped). */
  addIntended(count: number): void;
  /** Called whenever a QoS 1/2 publish of `publisher` completes (closed-loop executors refill their window). */
  onCompleted(handler: ((publisher: PublisherHandle) => void) | undefined): void;
  /** Uncork every socket written this tick. */
  flush(): void;
  /** Open one extra connection (connection-storm): connect latency measured from intendedMs. */
  openConnection(number: number, intendedMs: number): Promise<LoadClient | undefined>;
  /** Resolves at epoch ms `atMs` or when the run is aborted. */
  sleepUntil(atMs: number): Promise<void>;
  /**
   * Calls `callback` once, at epoch ms `atMs` or when the run is aborted (never synchronously):
   * sleepUntil without a promise and a closure per call, for loops that wake every tick.
   */
  wakeAt(atMs: number, callback: () => void): void;
}

export interface Executor {
  readonly type: string;
  validate(section: LoadSection): string[];
  plan(section: LoadSection): ExecutorPlan;
  run(context: ExecutorContext): Promise<void>;
}
