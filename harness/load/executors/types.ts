// The executor contract (after k6's lib/executor): one file per load model. Each file exports its
// `load:` schema (TypeBox, keyed on its `executor` literal), its typed plan, and the executor made by
// defineExecutor(); registry.ts lists them. validate() adds the rules a schema cannot say (every
// problem, not the first), plan() computes the schedule before anything connects, run() drives this
// worker's share of it. A worker gets the section as JSON and computes the same plan again (plans are
// pure), so the typed plan never crosses a thread boundary as untyped data.
import { HarnessError } from '../../errors.js';
import type { Static, TLiteral, TObject, TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { LoadClient } from '../client.js';
import type { PublishEncoder } from '../fast-publish.js';
import { describeSchemaErrors } from '../schema-errors.js';

export interface ExecutorPlan {
  /** Length of the schedule (excluding setup and drain). */
  durationMs: number;
  /** Messages (or connections, for connection-storm) the schedule asks for; undefined when open-ended. */
  intended: number | undefined;
  /** The schedule ends when its work is done, not at durationMs (rates count to the last send). */
  openEnded: boolean;
  /** Bare connections the executor opens itself (besides publishers and subscribers). */
  connections: number;
  /** Highest planned publish rate, msg/s (sizes `workers: auto`); undefined for closed models. */
  peakRate: number | undefined;
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
  /** Epoch ms at which the schedule starts (same value in every worker). */
  readonly startMs: number;
  readonly signal: AbortSignal;
  /** This worker's publishers, sorted by global index. */
  readonly publishers: readonly PublisherHandle[];
  readonly totalPublishers: number;
  /** This worker's position among the workers (connection-storm splits its connections by it). */
  readonly share: { index: number; count: number };
  /** This process's part [from, to) of `total` numbered items (all of them unless the run is sharded). */
  slice(total: number): { from: number; to: number };
  /** Send one message intended at `intendedMs`; false when it could not be sent (counted as dropped). */
  publish(publisher: PublisherHandle, intendedMs: number): boolean;
  /** Count messages the schedule asked for (publish() counts sent and dropped). */
  addIntended(count: number): void;
  /** Called whenever a QoS 1/2 publish of `publisher` completes (closed-loop executors refill their window). */
  onCompleted(handler: ((publisher: PublisherHandle) => void) | undefined): void;
  /** Uncork every socket written since the last flush. */
  flush(): void;
  /** Open one extra connection (connection-storm): connect latency measured from intendedMs. */
  openConnection(number: number, intendedMs: number, keepAlive: number): Promise<LoadClient | undefined>;
  /** Resolves at epoch ms `atMs` (millisecond timer) or when the run is aborted. */
  sleepUntil(atMs: number): Promise<void>;
  /**
   * Calls `callback` once at epoch ms `atMs` on the precise timer (the section's `timer`), or soon
   * after an abort; never synchronously. One wake-up is pending at a time: a new call replaces it.
   */
  wakeAt(atMs: number, callback: () => void): void;
}

/** A `load:` schema of one executor: an object whose `executor` is a literal. */
export type SectionSchema = TObject<TProperties & { executor: TLiteral<string> }>;

/** What runs before the measured schedule: for how long, and the section that drives it. */
export interface Warmup<Section> {
  durationMs: number;
  section: Section;
}

export interface ExecutorSpec<Schema extends SectionSchema, Plan extends ExecutorPlan> {
  schema: Schema;
  /**
   * The warm-up of a section that passed validation (timed executors); undefined: none. It runs
   * right before the schedule, through the same run(); its messages are sent and delivered but
   * measured apart (the engine tells them by their intended time).
   */
  warmup?(section: Static<Schema>): Warmup<Static<Schema>> | undefined;
  /** Rules beyond the schema, for a section that fits it; every problem. */
  validate?(section: Static<Schema>): string[];
  plan(section: Static<Schema>): Plan;
  run(context: ExecutorContext, plan: Plan): Promise<void>;
}

/** What the registry holds: the executor's schema, and its steps for a section of unknown shape. */
export interface Executor<Schema extends SectionSchema = SectionSchema> {
  readonly type: Schema['properties']['executor']['const'];
  readonly schema: Schema;
  /** Schema problems, or (for a section that fits the schema) the executor's own rules. */
  check(section: unknown): string[];
  /** The plan of a section that passed check(); throws otherwise. */
  plan(section: unknown): ExecutorPlan;
  /** The warm-up of a section that passed check(); undefined when it has none. */
  warmup(section: unknown): Warmup<unknown> | undefined;
  run(context: ExecutorContext, section: unknown): Promise<void>;
}

export function defineExecutor<Schema extends SectionSchema, Plan extends ExecutorPlan>(
  spec: ExecutorSpec<Schema, Plan>,
): Executor<Schema> {
  const type = spec.schema.properties.executor.const;
  const fit = (section: unknown): Static<Schema> => {
    if (Value.Check(spec.schema, section)) return section;
    throw new HarnessError(
      'HARNESS_SCENARIO_INVALID',
      `invalid load section: ${describeSchemaErrors(type, spec.schema, section).join('; ')}`,
    );
  };
  return {
    type,
    schema: spec.schema,
    check: (section) =>
      Value.Check(spec.schema, section)
        ? (spec.validate?.(section) ?? [])
        : describeSchemaErrors(type, spec.schema, section),
    plan: (section) => spec.plan(fit(section)),
    warmup: (section) => spec.warmup?.(fit(section)),
    run: (context, section) => spec.run(context, spec.plan(fit(section))),
  };
}
