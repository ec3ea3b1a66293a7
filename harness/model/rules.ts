// The rules the broker model enforces, each with the normative statements it stands for. A
// disagreement between a broker and the model always names one rule, so a report (and a found
// scenario) says which statements the broker broke. Statement ids are per version: the same rule
// often has a different id in MQTT 3.1.1 and 5.0; a rule with no id in one version is not checked there.
import type { MqttVersion } from '../vocabulary.js';

export interface Rule {
  /** What the broker must (or must not) do, in our words. */
  summary: string;
  statements: Readonly<Partial<Record<MqttVersion, readonly string[]>>>;
}

const both = (ids: readonly string[]): Rule['statements'] => ({ '3.1.1': ids, '5.0': ids });

export const RULES = {
  'connect-accepted': {
    summary: 'a CONNECT with a short alphanumeric client id and valid flags is accepted',
    statements: { '3.1.1': ['MQTT-3.1.3-5'], '5.0': ['MQTT-3.1.3-3'] },
  },
  'session-present': {
    summary: 'CONNACK Session Present says whether a stored session was resumed',
    statements: {
      '3.1.1': ['MQTT-3.2.2-1', 'MQTT-3.2.2-2', 'MQTT-3.2.2-3'],
      '5.0': ['MQTT-3.2.2-2', 'MQTT-3.2.2-3'],
    },
  },
  'empty-client-id-persistent': {
    summary: 'a zero-length client id with clean session 0 is refused with return code 0x02 and a close',
    statements: { '3.1.1': ['MQTT-3.1.3-8'] },
  },
  'assigned-client-id': {
    summary: 'a zero-length client id that is accepted gets an Assigned Client Identifier in CONNACK',
    statements: { '5.0': ['MQTT-3.1.3-7'] },
  },
  'session-takeover': {
    summary: 'a CONNECT with the client id of a connected client closes the older connection',
    statements: { '3.1.1': ['MQTT-3.1.4-2'], '5.0': ['MQTT-3.1.4-3'] },
  },
  'second-connect': {
    summary: 'a second CONNECT on a connection is a protocol violation: the connection is closed',
    statements: both(['MQTT-3.1.0-2']),
  },
  'first-packet-connect': {
    summary: 'a first packet other than CONNECT closes the connection',
    statements: both(['MQTT-3.1.0-1']),
  },
  'reserved-connect-flag': {
    summary: 'a CONNECT with the reserved flag set closes the connection',
    statements: both(['MQTT-3.1.2-3']),
  },
  'protocol-level': {
    summary: 'an unsupported protocol level is refused (3.1.1: CONNACK 0x01) and the connection closed',
    statements: { '3.1.1': ['MQTT-3.1.2-2'], '5.0': ['MQTT-3.1.2-2'] },
  },
  'qos3-publish': {
    summary: 'a PUBLISH with both QoS bits set closes the connection',
    statements: both(['MQTT-3.3.1-4']),
  },
  'wildcard-publish-topic': {
    summary: 'a PUBLISH topic name with a wildcard character closes the connection',
    statements: both(['MQTT-3.3.2-2']),
  },
  'ill-formed-utf8': {
    summary: 'ill-formed UTF-8 in a topic name closes the connection',
    statements: { '3.1.1': ['MQTT-1.5.3-1'], '5.0': ['MQTT-1.5.4-1'] },
  },
  'keep-alive': {
    summary: 'a client silent for 1.5 times its keep alive is disconnected',
    statements: { '3.1.1': ['MQTT-3.1.2-24'], '5.0': ['MQTT-3.1.2-22'] },
  },
  'connection-kept': {
    summary: 'a connection the client keeps using is not closed by the server',
    statements: both(['MQTT-4.1.0-1']),
  },
  puback: {
    summary: 'a QoS 1 PUBLISH is answered with PUBACK carrying its packet id',
    statements: { '3.1.1': ['MQTT-4.3.2-2'], '5.0': ['MQTT-4.3.2-4'] },
  },
  pubrec: {
    summary: 'a QoS 2 PUBLISH is answered with PUBREC carrying its packet id',
    statements: { '3.1.1': ['MQTT-4.3.3-2'], '5.0': ['MQTT-4.3.3-8'] },
  },
  pubcomp: {
    summary: 'a PUBREL is answered with PUBCOMP carrying its packet id',
    statements: { '3.1.1': ['MQTT-4.3.3-2'], '5.0': ['MQTT-4.3.3-11'] },
  },
  suback: {
    summary: 'a SUBSCRIBE is answered with a SUBACK carrying its packet id, one code per filter',
    statements: { '3.1.1': ['MQTT-3.8.4-1', 'MQTT-3.8.4-2'], '5.0': ['MQTT-3.8.4-1', 'MQTT-3.8.4-2'] },
  },
  unsuback: {
    summary: 'an UNSUBSCRIBE is answered with an UNSUBACK carrying its packet id',
    statements: both(['MQTT-3.10.4-4', 'MQTT-3.10.4-5']),
  },
  'deliver-to-subscribers': {
    summary:
      'a message goes to every session with a matching subscription, queued (QoS 1/2) while it is offline',
    statements: { '3.1.1': ['MQTT-4.5.0-1', 'MQTT-3.1.2-5'], '5.0': ['MQTT-3.1.2-23', 'MQTT-4.5.0-1'] },
  },
  'no-matching-subscription': {
    summary: 'a session is sent only messages whose topic matches one of its subscriptions',
    statements: both(['MQTT-3.3.2-3']),
  },
  unsubscribed: {
    summary: 'a filter that was unsubscribed gets no new messages',
    statements: { '3.1.1': ['MQTT-3.10.4-1'], '5.0': ['MQTT-3.10.4-2'] },
  },
  'clean-session': {
    summary: 'clean session / clean start 1 discards the old session: its subscriptions and queued messages',
    statements: { '3.1.1': ['MQTT-3.1.2-6'], '5.0': ['MQTT-3.1.2-4'] },
  },
  'session-resumed': {
    summary: 'clean session / clean start 0 resumes the stored session with its subscriptions',
    statements: { '3.1.1': ['MQTT-3.1.2-4'], '5.0': ['MQTT-3.1.2-5'] },
  },
  'granted-qos': {
    summary: 'a message is delivered at most at the QoS granted to the subscription (min of both)',
    statements: { '3.1.1': ['MQTT-3.8.4-6'], '5.0': ['MQTT-3.8.4-8'] },
  },
  'overlapping-qos': {
    summary: 'with overlapping subscriptions the message is delivered at the highest matching QoS',
    statements: { '3.1.1': ['MQTT-3.3.5-1'], '5.0': ['MQTT-3.3.4-2'] },
  },
  copies: {
    summary: 'a message is delivered once per matching subscription at most',
    statements: { '3.1.1': ['MQTT-3.3.5-1'], '5.0': ['MQTT-3.3.4-2'] },
  },
  'exactly-once': {
    summary: 'a QoS 2 message is delivered once, even when its PUBLISH is re-sent before PUBREL',
    statements: { '3.1.1': ['MQTT-4.3.3-2'], '5.0': ['MQTT-4.3.3-10'] },
  },
  'retain-flag-live': {
    summary: 'a message forwarded to an existing subscription has RETAIN 0 (5.0: unless Retain As Published)',
    statements: { '3.1.1': ['MQTT-3.3.1-9'], '5.0': ['MQTT-3.3.1-12', 'MQTT-3.3.1-13'] },
  },
  'retained-on-subscribe': {
    summary: 'a new subscription gets the matching retained message, with RETAIN 1',
    statements: { '3.1.1': ['MQTT-3.3.1-6', 'MQTT-3.3.1-8'], '5.0': ['MQTT-3.3.1-9'] },
  },
  'retained-stored': {
    summary: 'a PUBLISH with RETAIN 1 replaces the retained message of its topic',
    statements: both(['MQTT-3.3.1-5']),
  },
  'retained-deleted': {
    summary: 'a retained PUBLISH with an empty payload removes the retained message and is never stored',
    statements: { '3.1.1': ['MQTT-3.3.1-10', 'MQTT-3.3.1-11'], '5.0': ['MQTT-3.3.1-6', 'MQTT-3.3.1-7'] },
  },
  'retain-handling': {
    summary: 'Retain Handling 1 sends retained messages only for a new subscription, 2 never',
    statements: { '5.0': ['MQTT-3.3.1-10', 'MQTT-3.3.1-11'] },
  },
  'dup-on-redelivery': {
    summary: 'an unacknowledged PUBLISH re-sent on session resume has DUP 1 and its packet id',
    statements: { '3.1.1': ['MQTT-3.3.1-1', 'MQTT-4.4.0-1'], '5.0': ['MQTT-3.3.1-1', 'MQTT-4.4.0-1'] },
  },
  'dup-first': {
    summary: 'the first sending of a PUBLISH has DUP 0',
    statements: { '3.1.1': ['MQTT-3.3.1-2', 'MQTT-4.3.2-1'], '5.0': ['MQTT-3.3.1-2', 'MQTT-4.3.2-2'] },
  },
  'free-packet-id': {
    summary: 'a new QoS 1/2 PUBLISH to a client uses a packet id not in flight on that connection',
    statements: { '3.1.1': ['MQTT-2.3.1-4'], '5.0': ['MQTT-2.2.1-4'] },
  },
  'dollar-topics': {
    summary: 'filters starting with a wildcard do not match topics starting with $',
    statements: both(['MQTT-4.7.2-1']),
  },
  'will-published': {
    summary: 'the will is published when the connection is lost without DISCONNECT',
    statements: { '3.1.1': ['MQTT-3.1.2-8'], '5.0': ['MQTT-3.1.2-6'] },
  },
  'will-discarded': {
    summary: 'a normal DISCONNECT discards the will unpublished',
    statements: { '3.1.1': ['MQTT-3.1.2-10', 'MQTT-3.14.4-3'], '5.0': ['MQTT-3.14.4-3'] },
  },
  'will-retain': {
    summary: 'the will is published with its retain flag (retained when Will Retain is 1)',
    statements: { '3.1.1': ['MQTT-3.1.2-16', 'MQTT-3.1.2-17'], '5.0': ['MQTT-3.1.2-14', 'MQTT-3.1.2-15'] },
  },
  'will-delay': {
    summary: 'the will is not published before the Will Delay Interval has passed',
    statements: { '5.0': ['MQTT-3.1.3-9'] },
  },
  'no-local': {
    summary: 'No Local: a client does not get back its own messages on that subscription',
    statements: { '5.0': ['MQTT-3.8.3-3'] },
  },
  'subscription-identifiers': {
    summary: 'a forwarded message carries the Subscription Identifiers of the matching subscriptions',
    statements: { '5.0': ['MQTT-3.3.4-3', 'MQTT-3.3.4-4', 'MQTT-3.3.4-5'] },
  },
  'user-properties': {
    summary: 'User Properties are forwarded unchanged and in order',
    statements: { '5.0': ['MQTT-3.3.2-17', 'MQTT-3.3.2-18'] },
  },
  'message-expiry': {
    summary: 'an expired message is not delivered; the forwarded interval is reduced by the time waited',
    statements: { '5.0': ['MQTT-3.3.2-5', 'MQTT-3.3.2-6'] },
  },
  'receive-maximum': {
    summary: 'QoS 1/2 PUBLISH packets in flight towards a client stay within its Receive Maximum',
    // The same limit seen as flow control: the send quota is zero [MQTT-4.9.0-2].
    statements: { '5.0': ['MQTT-3.3.4-7', 'MQTT-4.9.0-2'] },
  },
  'maximum-packet-size': {
    summary: 'no packet larger than the client Maximum Packet Size is sent to it',
    statements: { '5.0': ['MQTT-3.1.2-24'] },
  },
  'shared-one-copy': {
    summary: 'a message is sent to one member of a shared subscription group, not to all of them',
    statements: { '5.0': ['MQTT-4.8.2-1'] },
  },
  'topic-alias-inbound': {
    summary: 'a PUBLISH with an empty topic and a Topic Alias is routed to the topic the alias maps to',
    statements: { '5.0': ['MQTT-3.3.2-12'] },
  },
  'no-server-topic-alias': {
    summary: 'the server sends no Topic Alias to a client that allowed none',
    statements: { '5.0': ['MQTT-3.1.2-27'] },
  },
  'unauthorized-publish': {
    summary:
      'a PUBLISH the ACL denies is acknowledged as usual (or the connection is closed), and not delivered',
    statements: { '3.1.1': ['MQTT-3.3.5-2'] },
  },
  'refused-packet-id': {
    summary:
      'after a PUBREC with a Reason Code of 0x80 or more, a PUBLISH with that Packet Identifier is a new message',
    statements: { '5.0': ['MQTT-4.3.3-9'] },
  },
  'maximum-qos-granted': {
    summary:
      'a subscription above the Maximum QoS the server announced in CONNACK is granted at most that QoS',
    statements: { '5.0': ['MQTT-3.2.2-10'] },
  },
  'will-qos-maximum': {
    summary: 'a CONNECT whose Will QoS exceeds the Maximum QoS the server announced is refused',
    statements: { '5.0': ['MQTT-3.2.2-12'] },
  },
} as const satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES;

export function statementsOf(rule: RuleName, version: MqttVersion): readonly string[] {
  const statements: Rule['statements'] = RULES[rule].statements;
  return statements[version] ?? [];
}
