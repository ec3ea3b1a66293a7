// Corner snippets: short action sequences that set up one interesting situation at once (a session
// resumed with messages queued, a retained message deleted, a will with a delay, a client that
// withholds acks against its Receive Maximum ...). Random single actions reach these situations only
// rarely; a session mixes snippets with single actions. Client 'c' is the subject of most snippets
// (it starts unconnected and is the one most often withholding acks), 'a' publishes. A step that
// makes no sense in the state it comes in is skipped by the executor like any other action.
import fc from 'fast-check';
import type { MqttVersion } from '../vocabulary.js';
import { FRESH_VIOLATIONS, VIOLATIONS, type Action, type ClientName, type QoS } from '../model/index.js';
import type { ExploreProfile } from './profiles.js';

type Snippet = fc.Arbitrary<Action[]>;

const qos: fc.Arbitrary<QoS> = fc.constantFrom<QoS>(0, 1, 2);
const qos12: fc.Arbitrary<QoS> = fc.constantFrom<QoS>(1, 2);
const subject: fc.Arbitrary<ClientName> = fc.constantFrom<ClientName>('c', 'b');
const filterOfTa = fc.constantFrom('~/t/a', '~/t/+', '~/#');

/** The publisher 'a' connected (skipped when it is), then the steps. */
const withPublisher = (steps: Action[]): Action[] => [{ do: 'connect', client: 'a', clean: true }, ...steps];

/** `count` messages from the publisher 'a' on '~/t/a'. */
function publishes(count: number, pub: QoS): Action[] {
  return Array.from({ length: count }, (): Action => ({
    do: 'publish',
    client: 'a',
    topic: '~/t/a',
    qos: pub,
    retain: false,
  }));
}

/** A persistent session (3.1.1 clean 0, 5.0 expiry 300 s). */
function persistent(version: MqttVersion, client: ClientName, clean = false): Action {
  return {
    do: 'connect',
    client,
    clean,
    ...(version === '5.0' && { sessionExpiry: 300 }),
  };
}

/** Subscribe, go away (DISCONNECT or drop), messages published meanwhile, resume (or clean start). */
function resume(version: MqttVersion): Snippet {
  return fc
    .record({
      who: subject,
      filter: filterOfTa,
      sub: qos,
      pub: qos,
      how: fc.constantFrom<'disconnect' | 'drop'>('disconnect', 'drop'),
      count: fc.integer({ min: 1, max: 2 }),
      clean: fc.oneof(
        { weight: 3, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map(({ who, filter, sub, pub, how, count, clean }) =>
      withPublisher([
        { do: 'drop', client: who },
        persistent(version, who),
        { do: 'subscribe', client: who, filter, qos: sub },
        { do: how, client: who },
        ...publishes(count, pub),
        persistent(version, who, clean),
        { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: false },
      ]),
    );
}

/** A subscriber that withholds acks gets QoS 1/2 messages, loses its connection and resumes. */
function unacked(version: MqttVersion): Snippet {
  return fc
    .record({
      count: fc.integer({ min: 1, max: 3 }),
      pub: qos12,
      sub: qos12,
      receiveMaximum: fc.constantFrom(1, 2, undefined),
    })
    .map(({ count, pub, sub, receiveMaximum }) =>
      withPublisher([
        { do: 'drop', client: 'c' },
        {
          ...(persistent(version, 'c') as Action & { do: 'connect' }),
          ...(version === '5.0' && receiveMaximum !== undefined && { receiveMaximum }),
        },
        { do: 'subscribe', client: 'c', filter: '~/t/a', qos: sub },
        ...publishes(count, pub),
        { do: 'drop', client: 'c' },
        persistent(version, 'c'),
      ]),
    );
}

/** Retained messages: stored, replaced, deleted by an empty payload, then a new subscription. */
function retained(version: MqttVersion): Snippet {
  const v5 = version === '5.0';
  return fc
    .record({
      pub: qos,
      sub: qos,
      filter: filterOfTa,
      then: fc.constantFrom<'keep' | 'replace' | 'delete'>('keep', 'replace', 'delete', 'delete'),
      handling: v5 ? fc.constantFrom<0 | 1 | 2>(0, 0, 1, 2) : fc.constant<0>(0),
      asPublished: v5 ? fc.boolean() : fc.constant(false),
      twice: fc.boolean(),
    })
    .map(({ pub, sub, filter, then, handling, asPublished, twice }) => {
      const subscribe: Action = {
        do: 'subscribe',
        client: 'c',
        filter,
        qos: sub,
        ...(handling !== 0 && { retainHandling: handling }),
        ...(asPublished && { retainAsPublished: true }),
      };
      return withPublisher([
        { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: true },
        ...(then === 'replace'
          ? [{ do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: true } as Action]
          : []),
        ...(then === 'delete'
          ? [{ do: 'publish', client: 'a', topic: '~/t/a', qos: 0, retain: true, empty: true } as Action]
          : []),
        { do: 'connect', client: 'c', clean: true },
        subscribe,
        ...(twice ? [subscribe] : []),
        { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: true },
      ]);
    });
}

/** QoS 2 from the publisher, sometimes re-sent before PUBREL, to a subscriber at any QoS. */
function qos2(): Snippet {
  return fc.record({ sub: qos, resend: fc.boolean() }).map(({ sub, resend }) =>
    withPublisher([
      { do: 'connect', client: 'c', clean: true },
      { do: 'subscribe', client: 'c', filter: '~/t/a', qos: sub },
      { do: 'publish', client: 'a', topic: '~/t/a', qos: 2, retain: false, ...(resend && { resend: true }) },
    ]),
  );
}

/** Two overlapping subscriptions of one client at different QoS. */
function overlap(): Snippet {
  return fc.record({ q1: qos, q2: qos, pub: qos }).map(({ q1, q2, pub }) =>
    withPublisher([
      { do: 'connect', client: 'c', clean: true },
      { do: 'subscribe', client: 'c', filter: '~/t/a', qos: q1 },
      { do: 'subscribe', client: 'c', filter: '~/t/+', qos: q2 },
      { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: false },
    ]),
  );
}

/** Subscribe, unsubscribe, publish (nothing may come). */
function unsubscribe(): Snippet {
  return fc.record({ filter: filterOfTa, pub: qos }).map(({ filter, pub }) =>
    withPublisher([
      { do: 'connect', client: 'c', clean: true },
      { do: 'subscribe', client: 'c', filter, qos: 1 },
      { do: 'unsubscribe', client: 'c', filter },
      { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: false },
    ]),
  );
}

/** A wildcard filter and a topic starting with '$'. */
function dollar(): Snippet {
  return fc.constantFrom('+/d', '#').map((filter) =>
    withPublisher([
      { do: 'connect', client: 'c', clean: true },
      { do: 'subscribe', client: 'c', filter, qos: 0 },
      { do: 'publish', client: 'a', topic: '$~/d', qos: 0, retain: false },
    ]),
  );
}

/** A client with a will, ended by DISCONNECT, a drop or its keep alive; 5.0: with a delay. */
function will(version: MqttVersion): Snippet {
  const v5 = version === '5.0';
  return fc
    .record({
      end: fc.constantFrom<'disconnect' | 'drop' | 'silent'>('disconnect', 'drop', 'silent'),
      qos,
      retain: fc.boolean(),
      delay: v5 ? fc.constantFrom<number | undefined>(undefined, 2, 2) : fc.constant(undefined),
      resume: fc.boolean(),
    })
    .map(({ end, qos: willQos, retain, delay, resume: back }) => [
      { do: 'connect', client: 'a', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/w', qos: 1 },
      { do: 'drop', client: 'c' },
      {
        do: 'connect',
        client: 'c',
        clean: false,
        ...(v5 && { sessionExpiry: 300 }),
        ...(end === 'silent' && { keepAlive: 1 }),
        will: { topic: '~/w', qos: willQos, retain, ...(delay !== undefined && { delay }) },
      },
      end === 'silent' ? { do: 'wait', ms: 2300 } : { do: end, client: 'c' },
      ...(back && delay !== undefined ? [persistent(version, 'c')] : []),
      { do: 'wait', ms: delay !== undefined && !back ? 2300 : 150 },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'b', filter: '~/w', qos: 0 },
    ]);
}

/** A silent client with keep alive 1 s. */
function keepAlive(): Snippet {
  return fc.constant([
    { do: 'drop', client: 'c' },
    { do: 'connect', client: 'c', clean: true, keepAlive: 1 },
    { do: 'wait', ms: 2300 },
  ]);
}

/** Connect flags: an empty client id, a takeover of another client's id. */
function connectFlags(): Snippet {
  return fc
    .record({ clean: fc.boolean(), takeover: fc.boolean() })
    .map(({ clean, takeover }) => [
      { do: 'drop', client: 'c' },
      takeover
        ? { do: 'connect', client: 'c', clean, as: 'a' }
        : { do: 'connect', client: 'c', clean, emptyId: true },
      { do: 'wait', ms: 50 },
    ]);
}

/** A protocol violation (those of a fresh connection after dropping the old one). */
function violation(): Snippet {
  return fc
    .constantFrom(...VIOLATIONS)
    .map((kind) => [
      FRESH_VIOLATIONS.has(kind)
        ? ({ do: 'drop', client: 'c' } as Action)
        : ({ do: 'connect', client: 'c', clean: true } as Action),
      { do: 'violate', client: 'c', kind },
    ]);
}

/** 5.0 subscription options and publish properties on one subscriber. */
function options5(): Snippet {
  return fc
    .record({
      noLocal: fc.boolean(),
      subscriptionId: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
      userProperties: fc.boolean(),
      alias: fc.boolean(),
      expiry: fc.boolean(),
      qos,
    })
    .map(({ noLocal, subscriptionId, userProperties, alias, expiry, qos: q }) => {
      const publish: Action = {
        do: 'publish',
        client: 'a',
        topic: '~/t/a',
        qos: q,
        retain: false,
        ...(userProperties && { userProperties: true }),
        ...(alias && { alias: true }),
        ...(expiry && { expiry: 1 }),
      };
      return withPublisher([
        { do: 'connect', client: 'c', clean: true },
        {
          do: 'subscribe',
          client: 'a',
          filter: '~/t/a',
          qos: 1,
          ...(noLocal && { noLocal: true }),
          ...(subscriptionId !== undefined && { subscriptionId }),
        },
        {
          do: 'subscribe',
          client: 'c',
          filter: '~/t/+',
          qos: 1,
          ...(subscriptionId !== undefined && { subscriptionId }),
        },
        publish,
        publish,
      ]);
    });
}

/** 5.0: a message that expires while its subscriber is away (or retained). */
function expiry(version: MqttVersion): Snippet {
  return fc.boolean().map((asRetained) =>
    withPublisher(
      asRetained
        ? [
            { do: 'publish', client: 'a', topic: '~/t/a', qos: 1, retain: true, expiry: 1 },
            { do: 'wait', ms: 2300 },
            { do: 'connect', client: 'c', clean: true },
            { do: 'subscribe', client: 'c', filter: '~/t/a', qos: 1 },
          ]
        : [
            { do: 'drop', client: 'c' },
            persistent(version, 'c'),
            { do: 'subscribe', client: 'c', filter: '~/t/a', qos: 1 },
            { do: 'disconnect', client: 'c' },
            { do: 'publish', client: 'a', topic: '~/t/a', qos: 1, retain: false, expiry: 1 },
            { do: 'wait', ms: 2300 },
            persistent(version, 'c'),
          ],
    ),
  );
}

/** 5.0: Receive Maximum and Maximum Packet Size of a subscriber. */
function limits(): Snippet {
  return fc.record({ small: fc.boolean(), count: fc.integer({ min: 2, max: 3 }) }).map(({ small, count }) =>
    withPublisher([
      { do: 'drop', client: 'c' },
      {
        do: 'connect',
        client: 'c',
        clean: true,
        ...(small ? { maximumPacketSize: 80 } : { receiveMaximum: 1 }),
      },
      { do: 'subscribe', client: 'c', filter: '~/t/a', qos: 1 },
      ...Array.from({ length: count }, (_, i): Action => ({
        do: 'publish',
        client: 'a',
        topic: '~/t/a',
        qos: 1,
        retain: false,
        ...(small && i === 0 && { size: 90 }),
      })),
    ]),
  );
}

/** 5.0: two members of one shared group. */
function shared(): Snippet {
  return fc
    .record({ filter: fc.constantFrom('$share/g/~/t/a', '$share/g/~/t/+'), pub: qos })
    .map(({ filter, pub }) =>
      withPublisher([
        { do: 'connect', client: 'b', clean: true },
        { do: 'connect', client: 'c', clean: true },
        { do: 'subscribe', client: 'b', filter, qos: 1 },
        { do: 'subscribe', client: 'c', filter, qos: 1 },
        { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: false },
        { do: 'publish', client: 'a', topic: '~/t/a', qos: pub, retain: false },
      ]),
    );
}

/**
 * A target with an ACL: a subscriber to everything, a PUBLISH the ACL denies (it must not arrive;
 * 3.1.1: acknowledged positively or closed), then a QoS 2 PUBLISH that may use the Packet
 * Identifier of the refused one again (5.0: it is a new message), sometimes a denied SUBSCRIBE.
 */
function acl(profile: ExploreProfile): Snippet {
  const denied = profile.acl?.deniedTopics ?? [];
  return fc
    .record({
      topic: fc.constantFrom(...denied),
      pub: fc.oneof({ weight: 1, arbitrary: fc.constant<QoS>(0) }, { weight: 4, arbitrary: qos12 }),
      sub: qos,
      retain: fc.boolean(),
      deniedFilter: fc.option(fc.constantFrom(...(profile.acl?.deniedFilters ?? [])), { nil: undefined }),
    })
    .map(({ topic, pub, sub, retain, deniedFilter }) =>
      withPublisher([
        { do: 'connect', client: 'c', clean: true },
        { do: 'subscribe', client: 'c', filter: '~/#', qos: sub },
        ...(deniedFilter !== undefined
          ? [{ do: 'subscribe', client: 'c', filter: deniedFilter, qos: sub } as Action]
          : []),
        { do: 'publish', client: 'a', topic, qos: pub, retain },
        { do: 'publish', client: 'a', topic: '~/t/a', qos: 2, retain: false, reuseRefusedId: true },
      ]),
    );
}

/** The snippets for a version (and the target's profile), weighted. */
export function cornerArbitrary(version: MqttVersion, profile?: ExploreProfile): Snippet {
  const common: { weight: number; arbitrary: Snippet }[] = [
    { weight: 4, arbitrary: resume(version) },
    { weight: 3, arbitrary: unacked(version) },
    { weight: 4, arbitrary: retained(version) },
    { weight: 2, arbitrary: qos2() },
    { weight: 3, arbitrary: overlap() },
    { weight: 2, arbitrary: unsubscribe() },
    { weight: 1, arbitrary: dollar() },
    { weight: 3, arbitrary: will(version) },
    { weight: 1, arbitrary: keepAlive() },
    { weight: 3, arbitrary: connectFlags() },
    { weight: 8, arbitrary: violation() },
  ];
  const v5: { weight: number; arbitrary: Snippet }[] =
    version === '5.0'
      ? [
          { weight: 3, arbitrary: options5() },
          { weight: 2, arbitrary: expiry(version) },
          { weight: 2, arbitrary: limits() },
          { weight: 2, arbitrary: shared() },
        ]
      : [];
  const restricted: { weight: number; arbitrary: Snippet }[] =
    profile?.acl !== undefined ? [{ weight: 10, arbitrary: acl(profile) }] : [];
  return fc.oneof(...common, ...v5, ...restricted);
}
