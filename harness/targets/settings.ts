// Target settings: a configuration a scenario needs its broker to run with (a Maximum QoS below 2,
// no retained messages, a password file and an ACL, ...). The run starts one extra instance of each
// target per distinct settings object (orchestrator/variants.ts); each target kind maps the settings
// to its own configuration in `configure`, or names the setting it cannot honour (the scenario is
// then skipped with that reason, never passed).
import { Type, type Static } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

export const AclGrantSchema = Type.Object(
  {
    topic: Type.String({ minLength: 1, description: 'topic pattern (+ and # allowed)' }),
    access: Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('readwrite')]),
  },
  closed,
);

export const TargetSettingsSchema = Type.Object(
  {
    maximumQoS: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)])),
    retainAvailable: Type.Optional(Type.Boolean()),
    topicAliasMaximum: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    serverKeepAlive: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 65535, description: 'keep-alive (s) the broker imposes' }),
    ),
    wildcardSubscriptionAvailable: Type.Optional(Type.Boolean()),
    sharedSubscriptionAvailable: Type.Optional(Type.Boolean()),
    subscriptionIdentifiersAvailable: Type.Optional(Type.Boolean()),
    users: Type.Optional(
      Type.Record(Type.String({ minLength: 1, pattern: '^[^:\\s]+$' }), Type.String({ minLength: 1 }), {
        description: 'user name → password (a password file); anonymous clients are refused',
      }),
    ),
    authenticationMethods: Type.Optional(
      Type.Array(Type.Literal('SCRAM-SHA-256'), {
        description: 'v5 enhanced authentication offered to the users (needs users)',
        uniqueItems: true,
      }),
    ),
    websocket: Type.Optional(
      Type.Boolean({
        description: "scenarios reach the target over its WebSocket listener ('mqtt' subprotocol)",
      }),
    ),
    acl: Type.Optional(
      Type.Array(AclGrantSchema, {
        description: 'what every user may do; anything not granted is denied (needs users)',
      }),
    ),
  },
  { ...closed, $id: 'TargetSettings', description: 'the configuration the target must run with' },
);

export type TargetSettings = Static<typeof TargetSettingsSchema>;
export type AclGrant = Static<typeof AclGrantSchema>;

/** A stable key: the same settings in two scenarios share one started instance. */
export function settingsKey(settings: TargetSettings): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return JSON.stringify(sorted(settings));
}

/** What a target kind makes of the settings: its options, or why it cannot honour them. */
export type Configured<Options> = { options: Options } | { unsupported: string };

/** The settings a kind cannot map, named in the skip reason. */
export function unsupportedSettings(
  settings: TargetSettings,
  supported: readonly (keyof TargetSettings)[],
  who: string,
): { unsupported: string } | undefined {
  const missing = (Object.keys(settings) as (keyof TargetSettings)[]).filter(
    (key) => settings[key] !== undefined && !supported.includes(key),
  );
  return missing.length === 0
    ? undefined
    : { unsupported: `${who} cannot be configured with ${missing.join(', ')}` };
}
