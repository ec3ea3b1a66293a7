// The `load:` section of a scenario file (see docs/load.md). One TypeBox schema is the source of truth
// for validation and for the LoadSection type; the scenario loader embeds it under `load`.
// Executor-specific rules (which keys each executor needs) are checked by the executor's validate().
import { Type, type Static } from '@sinclair/typebox';
import { TIMER_KINDS } from './precise-timer.js';

const Duration = Type.Union(
  [Type.Number({ minimum: 0 }), Type.String({ pattern: '^\\s*\\d+(\\.\\d+)?\\s*(us|µs|ms|s|m|h)?\\s*$' })],
  {
    description: 'milliseconds, or a string with a unit: 500ms, 10s, 2m',
  },
);

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

export const Stage = Type.Object(
  { duration: Duration, target: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);

export const LoadSection = Type.Object(
  {
    executor: Type.String({
      description:
        'constant-arrival-rate | ramping-arrival-rate | closed-loop | connection-storm | per-client-iterations',
    }),
    duration: Type.Optional(Duration),
    rate: Type.Optional(Type.Number({ minimum: 0, description: 'messages per second (whole run)' })),
    startRate: Type.Optional(Type.Number({ minimum: 0 })),
    stages: Type.Optional(Type.Array(Stage, { minItems: 1 })),
    window: Type.Optional(
      Type.Integer({ minimum: 1, description: 'closed-loop: messages in flight per publisher' }),
    ),
    iterations: Type.Optional(
      Type.Integer({ minimum: 1, description: 'per-client-iterations: messages per publisher' }),
    ),
    connections: Type.Optional(
      Type.Integer({ minimum: 1, description: 'connection-storm: clients to connect' }),
    ),
    hold: Type.Optional(Duration),
    connectRate: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'connections per second while setting up (0: as fast as possible)',
      }),
    ),
    maxInflight: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description: 'open-loop: unacknowledged messages per publisher before a send is dropped',
      }),
    ),
    drainTimeout: Type.Optional(Duration),
    tick: Type.Optional(Duration),
    timer: Type.Optional(
      Type.Union([Type.Literal('auto'), ...TIMER_KINDS.map((kind) => Type.Literal(kind))], {
        description:
          'open loop: how the send schedule wakes (auto: timerfd when the native addon is built, else wait-thread)',
      }),
    ),
    workers: Type.Optional(Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 0, maximum: 256 })])),
    sourceAddresses: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, maximum: 254 })]),
    ),
    publishers: Type.Optional(PublisherGroup),
    subscribers: Type.Optional(Type.Union([SubscriberGroup, Type.Array(SubscriberGroup, { minItems: 1 })])),
    thresholds: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false, $id: 'LoadSection' },
);

export type LoadSection = Static<typeof LoadSection>;
export type PublisherGroup = Static<typeof PublisherGroup>;
export type SubscriberGroup = Static<typeof SubscriberGroup>;
export type PayloadSize = Static<typeof PayloadSize>;
export type Stage = Static<typeof Stage>;
