// TypeBox schemas of wire packets as a scenario writes them: once for `send` (concrete values) and
// once for `expect` (patterns: any field may also be a matcher). Field names follow wire/types.ts.
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A `$ref` to a schema that has an `$id` (registered with the validator; inlined as $defs in the file). */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (typeof schema.$id !== 'string') throw new Error('ref() needs a schema with $id');
  return Type.Unsafe<Static<T>>({ $ref: schema.$id });
}

const closed = { additionalProperties: false } as const;

export const HexBytes = Type.Object(
  { hex: Type.String({ description: "bytes as hex, e.g. '00 ff 10'; spaces and # comments allowed" }) },
  closed,
);
export const SizedBytes = Type.Object(
  {
    size: Type.Integer({ minimum: 0, maximum: 268435455, description: 'number of bytes to generate' }),
    fill: Type.Optional(Type.String({ minLength: 1, description: "text repeated to fill, default 'x'" })),
  },
  closed,
);
/** Bytes: a string (UTF-8), `{ hex }`, or `{ size, fill? }` (generated). */
export const Bytes = Type.Union([Type.String(), HexBytes, SizedBytes], { $id: 'Bytes' });

const byte = Type.Integer({ minimum: 0, maximum: 255 });
const uint16 = Type.Integer({ minimum: 0, maximum: 65535 });
const uint32 = Type.Integer({ minimum: 0, maximum: 4294967295 });
const varint = Type.Integer({ minimum: 0, maximum: 268435455 });
const capturedVariable = Type.String({
  pattern: '^\\$\\{[A-Za-z][A-Za-z0-9_]*\\}$',
  description: "a variable set by an earlier expect's capture, e.g. '${pid}'",
});
/** A packet identifier: a number, or a variable captured from an earlier packet (`'${pid}'`). */
const packetIdValue = Type.Union([uint16, capturedVariable]);
/** A topic alias: a number, or a variable captured from an earlier packet (`'${alias}'`). */
const topicAliasValue = Type.Union([uint16, capturedVariable]);
const qos = Type.Integer({ minimum: 0, maximum: 3, description: '0, 1, 2 (3 only to send invalid packets)' });

/** Wraps a field schema so a pattern may also use `{ anyOf: [...] }`, `{ noneOf: [...] }`, `{ absent: true }` or `{ present: true }`. */
type Wrap = (schema: TSchema) => TSchema;
const plain: Wrap = (schema) => schema;
export const matchable: Wrap = (schema) =>
  Type.Union([
    schema,
    Type.Object({ anyOf: Type.Array(schema, { minItems: 1 }) }, closed),
    Type.Object({ noneOf: Type.Array(schema, { minItems: 1 }) }, closed),
    Type.Object({ absent: Type.Literal(true) }, closed),
    Type.Object({ present: Type.Literal(true) }, closed),
  ]);

function propertiesSchema(w: Wrap, $id: string): TSchema {
  return Type.Object(
    {
      payloadFormatIndicator: Type.Optional(w(byte)),
      messageExpiryInterval: Type.Optional(w(uint32)),
      contentType: Type.Optional(w(Type.String())),
      responseTopic: Type.Optional(w(Type.String())),
      correlationData: Type.Optional(w(ref(Bytes))),
      subscriptionIdentifier: Type.Optional(w(Type.Union([varint, Type.Array(varint)]))),
      sessionExpiryInterval: Type.Optional(w(uint32)),
      assignedClientIdentifier: Type.Optional(w(Type.String())),
      serverKeepAlive: Type.Optional(w(uint16)),
      authenticationMethod: Type.Optional(w(Type.String())),
      authenticationData: Type.Optional(w(ref(Bytes))),
      requestProblemInformation: Type.Optional(w(byte)),
      willDelayInterval: Type.Optional(w(uint32)),
      requestResponseInformation: Type.Optional(w(byte)),
      responseInformation: Type.Optional(w(Type.String())),
      serverReference: Type.Optional(w(Type.String())),
      reasonString: Type.Optional(w(Type.String())),
      receiveMaximum: Type.Optional(w(uint16)),
      topicAliasMaximum: Type.Optional(w(uint16)),
      topicAlias: Type.Optional(w(topicAliasValue)),
      maximumQoS: Type.Optional(w(byte)),
      retainAvailable: Type.Optional(w(byte)),
      userProperties: Type.Optional(
        w(
          Type.Array(Type.Tuple([Type.String(), Type.String()]), {
            description: 'ordered [name, value] pairs',
          }),
        ),
      ),
      maximumPacketSize: Type.Optional(w(uint32)),
      wildcardSubscriptionAvailable: Type.Optional(w(byte)),
      subscriptionIdentifiersAvailable: Type.Optional(w(byte)),
      sharedSubscriptionAvailable: Type.Optional(w(byte)),
    },
    { ...closed, $id },
  );
}

export const SendProperties = propertiesSchema(plain, 'SendProperties');
export const PatternProperties = propertiesSchema(matchable, 'PatternProperties');

function willSchema(w: Wrap, properties: TSchema): TSchema {
  return Type.Object(
    {
      topic: w(Type.String()),
      payload: Type.Optional(w(ref(Bytes))),
      qos: Type.Optional(w(qos)),
      retain: Type.Optional(w(Type.Boolean())),
      properties: Type.Optional(w(properties)),
    },
    closed,
  );
}
export const SendWill = Type.Object(
  {
    topic: Type.String(),
    payload: Type.Optional(ref(Bytes)),
    qos: Type.Optional(qos),
    retain: Type.Optional(Type.Boolean()),
    properties: Type.Optional(ref(SendProperties)),
  },
  { ...closed, $id: 'SendWill' },
);

/** A subscription of a SUBSCRIBE packet (the same in send and in patterns). */
const subscription = Type.Object(
  {
    topicFilter: Type.String(),
    qos: Type.Optional(qos),
    noLocal: Type.Optional(Type.Boolean()),
    retainAsPublished: Type.Optional(Type.Boolean()),
    retainHandling: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  },
  closed,
);

/** CONNECT: every field optional, in `send` too (the runner fills in what is missing). */
function connectSchema(w: Wrap, properties: TSchema): TSchema {
  const opt = (schema: TSchema): TSchema => Type.Optional(schema);
  return Type.Object(
    {
      type: Type.Literal('connect'),
      protocolName: opt(w(Type.String())),
      protocolLevel: opt(w(byte)),
      cleanStart: opt(w(Type.Boolean())),
      keepAlive: opt(w(uint16)),
      clientId: opt(w(Type.String())),
      will: opt(w(willSchema(w, properties))),
      username: opt(w(Type.String())),
      password: opt(w(ref(Bytes))),
      properties: opt(w(properties)),
    },
    closed,
  );
}

function packetSchemas(w: Wrap, properties: TSchema, requiredInSend: boolean): TSchema[] {
  // In `send`, fields the runner can fill in (packet ids, defaults) stay optional; fields without a
  // sensible default are required. In patterns every field is optional.
  const req = (schema: TSchema): TSchema => (requiredInSend ? schema : Type.Optional(schema));
  const opt = (schema: TSchema): TSchema => Type.Optional(schema);
  const props = opt(w(properties));
  const reasonCode = opt(w(byte));
  const packetId = opt(w(packetIdValue));
  const ack = (type: string): TSchema =>
    Type.Object(
      {
        type: Type.Literal(type),
        packetId: requiredInSend ? w(packetIdValue) : packetId,
        reasonCode,
        properties: props,
      },
      closed,
    );
  return [
    connectSchema(w, properties),
    Type.Object(
      {
        type: Type.Literal('connack'),
        sessionPresent: opt(w(Type.Boolean())),
        reasonCode,
        properties: props,
      },
      closed,
    ),
    Type.Object(
      {
        type: Type.Literal('publish'),
        topic: req(w(Type.String())),
        payload: opt(w(ref(Bytes))),
        qos: opt(w(qos)),
        retain: opt(w(Type.Boolean())),
        dup: opt(w(Type.Boolean())),
        packetId,
        properties: props,
      },
      closed,
    ),
    ack('puback'),
    ack('pubrec'),
    ack('pubrel'),
    ack('pubcomp'),
    Type.Object(
      {
        type: Type.Literal('subscribe'),
        packetId,
        subscriptions: req(w(Type.Array(subscription))),
        properties: props,
      },
      closed,
    ),
    Type.Object(
      { type: Type.Literal('suback'), packetId, reasonCodes: opt(w(Type.Array(byte))), properties: props },
      closed,
    ),
    Type.Object(
      {
        type: Type.Literal('unsubscribe'),
        packetId,
        topicFilters: req(w(Type.Array(Type.String()))),
        properties: props,
      },
      closed,
    ),
    Type.Object(
      { type: Type.Literal('unsuback'), packetId, reasonCodes: opt(w(Type.Array(byte))), properties: props },
      closed,
    ),
    Type.Object({ type: Type.Literal('pingreq') }, closed),
    Type.Object({ type: Type.Literal('pingresp') }, closed),
    Type.Object({ type: Type.Literal('disconnect'), reasonCode, properties: props }, closed),
    Type.Object({ type: Type.Literal('auth'), reasonCode, properties: props }, closed),
  ];
}

export const PACKET_TYPES = [
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
] as const;

export const SendPacket = Type.Union(packetSchemas(plain, ref(SendProperties), true), {
  $id: 'SendPacket',
  description: 'a wire packet (see wire/types.ts); the runner fills in defaults',
});
export const PacketPattern = Type.Union(packetSchemas(matchable, ref(PatternProperties), false), {
  $id: 'PacketPattern',
  description: 'a partial packet: every field named must match',
});
/** A CONNACK pattern where `type` may be left out (connect/reconnect `expect`). */
export const ConnackPattern = Type.Object(
  {
    type: Type.Optional(Type.Literal('connack')),
    sessionPresent: Type.Optional(matchable(Type.Boolean())),
    reasonCode: Type.Optional(matchable(byte)),
    properties: Type.Optional(matchable(ref(PatternProperties))),
  },
  { ...closed, $id: 'ConnackPattern' },
);

/** Encoder overrides (wire EncodeOverrides); byte strings are hex. */
export const Encoding = Type.Object(
  {
    flags: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
    typeCode: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
    remainingLength: Type.Optional(Type.Integer({ minimum: 0 })),
    remainingLengthBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    connectFlags: Type.Optional(byte),
    rawProperties: Type.Optional(Type.String({ description: 'hex' })),
    subscriptionOptions: Type.Optional(Type.Array(byte)),
    trailing: Type.Optional(Type.String({ description: 'hex' })),
    body: Type.Optional(Type.String({ description: 'hex' })),
  },
  { ...closed, $id: 'Encoding' },
);
