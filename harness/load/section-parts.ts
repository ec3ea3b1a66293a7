// The parts every executor's `load:` schema is built from (docs/load.md): durations, client groups,
// and the key sets several executors share. Each executor file puts its own schema together with
// executorSchema(); harness/load/schema.ts unites them into LoadSection, keyed on `executor`.
import { Type, type Static, type TLiteral, type TObject, type TProperties } from '@sinclair/typebox';
import { durationMs } from './duration.js';
import { TIMER_KINDS } from './precise-timer.js';

/** Milliseconds, or a string with a unit (harness/load/duration.ts reads both). */
export function durationSchema(description = 'milliseconds, or a string with a unit: 500ms, 10s, 2m') {
  return Type.Union(
    [Type.Number({ minimum: 0 }), Type.String({ pattern: '^\\s*\\d+(\\.\\d+)?\\s*(us|µs|ms|s|m|h)?\\s*$' })],
    { description },
  );
}

export const Duration = durationSchema();

const QoS = Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)]);

export const PayloadSize = Type.Union(
  [
    Type.Integer({ minimum: 0, maximum: 268_435_000 }),
    Type.Object(
      { min: Type.Integer({ minimum: 0 }), max: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        values: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }),
        weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 })),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description: 'bytes: fixed, uniform {min,max}, or {values,weights}; at least 20 (the measurement header)',
  },
);

const Session = {
  cleanStart: Type.Optional(
    Type.Boolean({ description: 'clean session (3.1.1) / clean start (5.0); default true' }),
  ),
  sessionExpiry: Type.Optional(
    Type.Integer({ minimum: 0, description: 'v5 Session Expiry Interval, seconds' }),
  ),
  mqtt: Type.Optional(
    Type.Union([Type.Literal('3.1.1'), Type.Literal('5.0')], {
      description: 'override the scenario version',
    }),
  ),
  keepAlive: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
};

export const PublisherGroup = Type.Object(
  {
    count: Type.Integer({ minimum: 0 }),
    topic: Type.String({
      minLength: 1,
      description: 'template: {prefix} (run prefix), %i (client index), %c (client id)',
    }),
    qos: Type.Optional(QoS),
    size: Type.Optional(PayloadSize),
    retain: Type.Optional(Type.Boolean()),
    ...Session,
  },
  { additionalProperties: false },
);

export const SubscriberGroup = Type.Object(
  {
    count: Type.Integer({ minimum: 0 }),
    topic: Type.String({
      minLength: 1,
      description: 'filter template; wildcards allowed; %i is the subscriber index',
    }),
    qos: Type.Optional(QoS),
    share: Type.Optional(
      Type.String({ minLength: 1, description: '$share group name (subscribes to $share/<group>/<filter>)' }),
    ),
    ...Session,
  },
  { additionalProperties: false },
);

export const SubscriberGroups = Type.Union([SubscriberGroup, Type.Array(SubscriberGroup, { minItems: 1 })]);

export const Stage = Type.Object(
  { duration: Duration, target: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);

/** A `thresholds:` entry: an expression for every run of the load, or one scoped to a target and/or profile. */
export const ThresholdEntry = Type.Union([
  Type.String({ minLength: 1, description: "for every run, e.g. 'p99 < 20ms', 'lost == 0'" }),
  Type.Object(
    {
      threshold: Type.String({ minLength: 1, description: "the expression, e.g. 'p99 < 50ms'" }),
      target: Type.Optional(
        Type.String({ minLength: 1, description: 'only for runs against this target (a name or a kind)' }),
      ),
      profile: Type.Optional(
        Type.String({
          minLength: 1,
          description: "only for runs under this network profile ('none': without one)",
        }),
      ),
    },
    { additionalProperties: false },
  ),
]);

/** Keys every executor takes. */
export const COMMON_KEYS = {
  connectRate: Type.Optional(
    Type.Number({
      minimum: 0,
      description: 'connections per second while setting up (0: as fast as possible)',
    }),
  ),
  drainTimeout: Type.Optional(Duration),
  workers: Type.Optional(Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 0, maximum: 256 })])),
  cpus: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "the CPUs every worker thread runs on, a Linux CPU list ('1', '2-3', '0,2'); not with workers: 0 (docs/load.md, Placement)",
    }),
  ),
  sourceAddresses: Type.Optional(
    Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, maximum: 254 })]),
  ),
  thresholds: Type.Optional(
    Type.Array(ThresholdEntry, {
      description:
        'all must hold for the load to pass; an entry { threshold, target, profile } applies only to runs against that target and/or under that profile',
    }),
  ),
};

/** Keys of the executors that publish messages: publishers (at least one) and their subscribers. */
export const CLIENT_KEYS = {
  publishers: PublisherGroup,
  subscribers: Type.Optional(SubscriberGroups),
};

/** The warm-up of the timed executors when the section says nothing (docs/load.md "Warm-up"). */
export const DEFAULT_WARMUP = '1s';

/** Keys of the executors that run for a time (arrival-rate, closed-loop): their warm-up. */
export const WARMUP_KEYS = {
  warmup: Type.Optional(
    durationSchema(
      'time before the measured schedule: messages are sent and delivered but kept out of the histograms and rates, reported apart (default 1s; 0: none)',
    ),
  ),
};

/** Keys of the open-model (arrival-rate) executors. */
export const OPEN_LOOP_KEYS = {
  maxInflight: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      description: 'unacknowledged messages per publisher before a due send is dropped (default 1000)',
    }),
  ),
  tick: Type.Optional(
    durationSchema('least time between two wake-ups of the send schedule (default 0: at every due time)'),
  ),
  timer: Type.Optional(
    Type.Union([Type.Literal('auto'), ...TIMER_KINDS.map((kind) => Type.Literal(kind))], {
      description:
        'how the send schedule wakes (auto: timerfd when the native addon is built, else wait-thread)',
    }),
  ),
};

/** One executor's `load:` schema: its `executor` literal and its keys, nothing else. */
export function executorSchema<Name extends string, Properties extends TProperties>(
  executor: Name,
  properties: Properties,
  description: string,
): TObject<{ executor: TLiteral<Name> } & Properties & typeof COMMON_KEYS> {
  return Type.Object(
    { executor: Type.Literal(executor), ...properties, ...COMMON_KEYS },
    { additionalProperties: false, description },
  );
}

export type PublisherGroup = Static<typeof PublisherGroup>;
export type SubscriberGroup = Static<typeof SubscriberGroup>;
export type PayloadSize = Static<typeof PayloadSize>;
export type Stage = Static<typeof Stage>;
export type ThresholdEntry = Static<typeof ThresholdEntry>;

/** A timed section's warm-up, ms (DEFAULT_WARMUP when it says nothing). */
export function warmupMs(section: { warmup?: number | string }): number {
  return durationMs(section.warmup ?? DEFAULT_WARMUP, 0);
}
