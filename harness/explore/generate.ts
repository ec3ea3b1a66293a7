// The session generator (fast-check): up to three clients connecting with any flag combination,
// subscribing, publishing, acknowledging or withholding acknowledgements, disconnecting cleanly or
// dropping the socket, reconnecting and waiting. Weighted toward the corners where brokers differ:
// persistent sessions, overlapping filters, retained and empty payloads, wills, takeovers, short
// expiries and small receive maximums. Values shrink toward the plain case (QoS 0, no options).
import fc from 'fast-check';
import type { MqttVersion } from '../vocabulary.js';
import {
  VIOLATIONS,
  type Action,
  type ClientName,
  type ConnectAction,
  type PublishAction,
  type QoS,
  type Session,
  type SubscribeAction,
} from '../model/index.js';
import { cornerArbitrary } from './corners.js';
import type { ExploreProfile } from './profiles.js';

export const TOPICS = ['~/t/a', '~/t/b', '~/w', '$~/d'] as const;
export const FILTERS = ['~/t/a', '~/t/+', '~/#', '~/t/#', '+/t/a', '~/w', '+/d', '$~/d'] as const;
export const SHARED_FILTERS = ['$share/g/~/t/a', '$share/g/~/t/+'] as const;

const client: fc.Arbitrary<ClientName> = fc.constantFrom<ClientName>('a', 'b', 'c');
const weightedClient: fc.Arbitrary<ClientName> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<ClientName>('a') },
  { weight: 4, arbitrary: fc.constant<ClientName>('b') },
  { weight: 2, arbitrary: fc.constant<ClientName>('c') },
);
const qos: fc.Arbitrary<QoS> = fc.constantFrom<QoS>(0, 1, 2);
const maybe = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 100 - weight, arbitrary: fc.constant(undefined) }, { weight, arbitrary });
const topic = (profile: ExploreProfile | undefined): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<string>('~/t/a') },
    { weight: 3, arbitrary: fc.constant<string>('~/t/b') },
    { weight: 2, arbitrary: fc.constant<string>('~/w') },
    { weight: 1, arbitrary: fc.constant<string>('$~/d') },
    ...(profile?.acl !== undefined ? [{ weight: 2, arbitrary: fc.constant<string>('~/x') }] : []),
  );

/** Drops undefined members, so optional keys stay absent (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function connect(version: MqttVersion, who: fc.Arbitrary<ClientName>): fc.Arbitrary<ConnectAction> {
  const v5 = version === '5.0';
  return fc
    .record({
      client: who,
      clean: fc.boolean(),
      as: maybe(8, client),
      emptyId: maybe(4, fc.constant(true)),
      keepAlive: maybe(4, fc.constant(1)),
      will: maybe(
        30,
        fc.record({
          topic: fc.constantFrom('~/w', '~/t/a'),
          qos,
          retain: fc.boolean(),
          delay: v5 ? maybe(40, fc.constant(2)) : fc.constant(undefined),
        }),
      ),
      sessionExpiry: v5 ? fc.constantFrom(undefined, 300) : fc.constant(undefined),
      receiveMaximum: v5 ? maybe(20, fc.constantFrom(1, 2)) : fc.constant(undefined),
      maximumPacketSize: v5 ? maybe(15, fc.constant(80)) : fc.constant(undefined),
    })
    .map(
      ({ will, ...rest }) =>
        defined({
          do: 'connect' as const,
          ...rest,
          ...(will !== undefined && { will: defined(will) }),
        }) as ConnectAction,
    );
}

function subscribe(version: MqttVersion): fc.Arbitrary<SubscribeAction> {
  const v5 = version === '5.0';
  const filter = v5
    ? fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom(...FILTERS) },
        { weight: 2, arbitrary: fc.constantFrom(...SHARED_FILTERS) },
      )
    : fc.constantFrom(...FILTERS);
  return fc
    .record({
      client: weightedClient,
      filter,
      qos,
      noLocal: v5 ? maybe(20, fc.constant(true)) : fc.constant(undefined),
      retainAsPublished: v5 ? maybe(30, fc.constant(true)) : fc.constant(undefined),
      retainHandling: v5 ? maybe(40, fc.constantFrom<1 | 2>(1, 2)) : fc.constant(undefined),
      subscriptionId: v5 ? maybe(30, fc.integer({ min: 1, max: 9 })) : fc.constant(undefined),
    })
    .map((s) => defined({ do: 'subscribe' as const, ...s }) as SubscribeAction);
}

function publish(version: MqttVersion, profile: ExploreProfile | undefined): fc.Arbitrary<PublishAction> {
  const v5 = version === '5.0';
  return fc
    .record({
      client: weightedClient,
      topic: topic(profile),
      qos,
      retain: fc.oneof(
        { weight: 7, arbitrary: fc.constant(false) },
        { weight: 3, arbitrary: fc.constant(true) },
      ),
      empty: maybe(8, fc.constant(true)),
      size: v5 ? maybe(10, fc.constant(90)) : fc.constant(undefined),
      expiry: v5 ? maybe(15, fc.constant(1)) : fc.constant(undefined),
      userProperties: v5 ? maybe(20, fc.constant(true)) : fc.constant(undefined),
      alias: v5 ? maybe(20, fc.constant(true)) : fc.constant(undefined),
      resend: maybe(15, fc.constant(true)),
    })
    .map(
      (p) =>
        defined({ do: 'publish' as const, ...p, ...(p.qos !== 2 && { resend: undefined }) }) as PublishAction,
    );
}

export function actionArbitrary(version: MqttVersion, profile?: ExploreProfile): fc.Arbitrary<Action> {
  return fc.oneof(
    { weight: 16, arbitrary: connect(version, weightedClient) },
    { weight: 16, arbitrary: subscribe(version) },
    { weight: 26, arbitrary: publish(version, profile) },
    {
      weight: 4,
      arbitrary: fc.record({
        do: fc.constant('unsubscribe' as const),
        client: weightedClient,
        filter: fc.constantFrom(...FILTERS),
      }),
    },
    { weight: 6, arbitrary: fc.record({ do: fc.constant('disconnect' as const), client: weightedClient }) },
    { weight: 6, arbitrary: fc.record({ do: fc.constant('drop' as const), client: weightedClient }) },
    {
      weight: 6,
      arbitrary: fc.record({
        do: fc.constant('wait' as const),
        ms: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(0, 50, 150) },
          { weight: 2, arbitrary: fc.constantFrom(1300, 2300) },
        ),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        do: fc.constant('violate' as const),
        client: weightedClient,
        kind: fc.constantFrom(...VIOLATIONS),
      }),
    },
  );
}

/** Single actions and corner snippets, mixed: one item is a list of actions. */
function itemArbitrary(version: MqttVersion, profile: ExploreProfile | undefined): fc.Arbitrary<Action[]> {
  return fc.oneof(
    { weight: 2, arbitrary: actionArbitrary(version, profile).map((action) => [action]) },
    { weight: 3, arbitrary: cornerArbitrary(version, profile) },
  );
}

const acks = (yes: number, no: number): fc.Arbitrary<boolean> =>
  fc.oneof({ weight: yes, arbitrary: fc.constant(true) }, { weight: no, arbitrary: fc.constant(false) });

/**
 * A session: two clients connect first (with any flags), then up to `maxActions` items, each a
 * single action or a corner snippet, or (one session in three) just one or two corner snippets.
 * Client 'c' withholds its acks more often (the corner snippets use it for in-flight limits and
 * re-delivery).
 */
export function sessionArbitrary(
  version: MqttVersion,
  maxActions = 24,
  profile?: ExploreProfile,
): fc.Arbitrary<Session> {
  return fc
    .record({
      autoAck: fc.record({ a: acks(3, 1), b: acks(3, 1), c: acks(1, 1) }),
      first: connect(version, fc.constant<ClientName>('a')),
      second: connect(version, fc.constant<ClientName>('b')),
      rest: fc.oneof(
        {
          weight: 2,
          arbitrary: fc.array(itemArbitrary(version, profile), {
            minLength: 1,
            maxLength: Math.ceil(maxActions / 3),
          }),
        },
        // A focused session: one or two corner snippets alone. Short, so a budget runs more of
        // them and every corner comes up early.
        { weight: 1, arbitrary: fc.array(cornerArbitrary(version, profile), { minLength: 1, maxLength: 2 }) },
      ),
    })
    .map(({ autoAck, first, second, rest }) => ({
      version,
      autoAck,
      actions: [first, second, ...rest.flat()],
    }));
}
