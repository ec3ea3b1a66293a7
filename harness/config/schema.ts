// The config file schema: one source of truth for validation and the UserConfig type.
// Every key is optional; unknown keys are errors. Defaults live in defaults.ts.
import { Type, type Static } from '@sinclair/typebox';
import { CAPABILITIES, MQTT_VERSIONS, literalUnion } from '../vocabulary.js';

const strict = { additionalProperties: false } as const;

export const CapabilitySchema = literalUnion(CAPABILITIES);

export const MqttVersionSchema = literalUnion(MQTT_VERSIONS);

export const TargetConfigSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('reference'),
      Type.Literal('mosquitto'),
      Type.Literal('aedes'),
      Type.Literal('url'),
      Type.Literal('command'),
    ]),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    capabilities: Type.Optional(Type.Array(CapabilitySchema)),
    deviations: Type.Optional(Type.String({ minLength: 1 })),
    /** The CPUs the broker process runs on (a Linux CPU list: 0, 0-1, 0,2-3). */
    cpus: Type.Optional(Type.String({ minLength: 1 })),
  },
  strict,
);

const positiveInteger = Type.Integer({ minimum: 1 });

export const UserConfigSchema = Type.Object(
  {
    /** Scenario files or directories, relative to the config file. */
    paths: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** Named targets: name → kind + options. */
    targets: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }), TargetConfigSchema),
    ),
    /** Target specs run when the command line names none (names, kinds or URLs). */
    defaultTargets: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    profiles: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    mqtt: Type.Optional(Type.Array(MqttVersionSchema, { minItems: 1 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    grep: Type.Optional(Type.String()),
    bail: Type.Optional(Type.Boolean()),
    workers: Type.Optional(positiveInteger),
    timeouts: Type.Optional(
      Type.Object({ step: Type.Optional(positiveInteger), scenario: Type.Optional(positiveInteger) }, strict),
    ),
    reporters: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    outputDir: Type.Optional(Type.String({ minLength: 1 })),
  },
  strict,
);

export type UserConfig = Static<typeof UserConfigSchema>;
