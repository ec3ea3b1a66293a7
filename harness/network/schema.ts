// Network profile schema: one source of truth for validation and types. Toxic names and attribute
// names follow Toxiproxy where they overlap (see docs/network.md for the mapping).
import { Type, type Static, type TObject } from '@sinclair/typebox';

const Ms = (description: string) => Type.Number({ minimum: 0, description });

/** When a toxic is active, in ms since the profile was applied. Without it: always. */
export const ScheduleSchema = Type.Object(
  {
    from: Type.Optional(Ms('first activation (default 0)')),
    until: Type.Optional(Ms('no activation after this time')),
    every: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'period of repeated windows' })),
    for: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'length of each window' })),
  },
  { additionalProperties: false },
);

export const StreamSchema = Type.Union([
  Type.Literal('upstream'),
  Type.Literal('downstream'),
  Type.Literal('both'),
]);

export const ToxicTypes = [
  'latency',
  'bandwidth',
  'slicer',
  'stall',
  'timeout',
  'blackhole',
  'reset_peer',
  'limit_data',
  'slow_close',
] as const;
export type ToxicType = (typeof ToxicTypes)[number];

export const ToxicSchema = Type.Object(
  {
    type: Type.Union(ToxicTypes.map((t) => Type.Literal(t))),
    name: Type.Optional(Type.String({ minLength: 1 })),
    /** upstream: client → broker; downstream: broker → client. Default both. */
    stream: Type.Optional(StreamSchema),
    /** Probability that a connection gets this toxic (decided once per connection). */
    toxicity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    schedule: Type.Optional(ScheduleSchema),
  },
  { additionalProperties: false },
);

export const DistributionSchema = Type.Union([
  Type.Literal('uniform'),
  Type.Literal('normal'),
  Type.Literal('pareto'),
]);

/** Attribute schemas per toxic type; checked after the outer shape. */
export const AttributeSchemas: Record<ToxicType, TObject> = {
  // latency, jitter in ms (fractions allowed). Toxiproxy: same names, integers, uniform jitter.
  latency: Type.Object(
    {
      latency: Ms('added one-way delay'),
      jitter: Type.Optional(Ms('spread of the delay')),
      distribution: Type.Optional(DistributionSchema),
    },
    { additionalProperties: false },
  ),
  // rate in KB/s (1 KB = 1000 bytes), as Toxiproxy.
  bandwidth: Type.Object({ rate: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }),
  // sizes in bytes, delay in µs between segments, as Toxiproxy.
  slicer: Type.Object(
    {
      average_size: Type.Integer({ minimum: 1 }),
      size_variation: Type.Optional(Type.Integer({ minimum: 0 })),
      delay: Type.Optional(Type.Number({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  // holds data while active and releases it afterwards (no Toxiproxy equivalent).
  stall: Type.Object({}, { additionalProperties: false }),
  // drops data; closes the connection after `timeout` ms (0: never), as Toxiproxy.
  timeout: Type.Object({ timeout: Ms('close after (0: never)') }, { additionalProperties: false }),
  // timeout with 0: the connection stays open and nothing flows (half-open link).
  blackhole: Type.Object({}, { additionalProperties: false }),
  // RST after `timeout` ms (Toxiproxy) or after `bytes` bytes in this stream.
  reset_peer: Type.Object(
    { timeout: Type.Optional(Ms('reset after')), bytes: Type.Optional(Type.Integer({ minimum: 0 })) },
    { additionalProperties: false },
  ),
  limit_data: Type.Object({ bytes: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  slow_close: Type.Object({ delay: Ms('delay before close') }, { additionalProperties: false }),
};

/** Packet-level effects, applied by the kernel backend (namespaces + veth + nft + tc). Percentages 0–100. */
export const KernelSchema = Type.Object(
  {
    loss: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    duplicate: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** kbit/s, token bucket (tbf) per direction. */
    rate: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** bytes of queue in front of the rate limit (bufferbloat), default 64 KiB. */
    queue: Type.Optional(Type.Integer({ minimum: 1500 })),
    /** netem only (kernel with sch_netem). */
    delay: Type.Optional(Ms('netem delay')),
    jitter: Type.Optional(Ms('netem jitter')),
    reorder: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    corrupt: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const ProfileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9-]*$' }),
    description: Type.Optional(Type.String()),
    /** auto (default): kernel when `kernel` effects are set, proxy for the rest. */
    backend: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('proxy'), Type.Literal('kernel')])),
    toxics: Type.Optional(Type.Array(ToxicSchema)),
    kernel: Type.Optional(KernelSchema),
  },
  { additionalProperties: false },
);

export type ProfileFile = Static<typeof ProfileSchema>;
export type ToxicFile = Static<typeof ToxicSchema>;
export type Schedule = Static<typeof ScheduleSchema>;
export type KernelEffects = Static<typeof KernelSchema>;
export type Distribution = Static<typeof DistributionSchema>;

export interface ResolvedToxic {
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number | string>>;
  readonly schedule?: Schedule;
}

export interface ResolvedProfile {
  readonly name: string;
  readonly description?: string;
  /** 'builtin' or the file path. */
  readonly source: string;
  readonly backend: 'auto' | 'proxy' | 'kernel';
  readonly toxics: readonly ResolvedToxic[];
  readonly kernel?: Readonly<KernelEffects>;
}
