// Test-only mutations: each switch makes the broker break exactly one rule, to prove that the
// conformance scenario checking that rule can fail. The broker tests `mutations.has(name)` at the
// spot where the rule is enforced. Never enable these outside tests.

export const MUTATION_NAMES = [
  'ignore-retain-flag',
  'retain-flag-cleared-on-delivery',
  'empty-retained-not-deleted',
  'accept-second-connect',
  'accept-first-packet-not-connect',
  'accept-reserved-connect-flag',
  'accept-bad-protocol-level',
  'accept-empty-clientid-persistent',
  'no-assigned-client-id',
  'session-present-always-false',
  'clean-start-keeps-session',
  'no-session-takeover',
  'no-dup-on-redelivery',
  'offline-messages-dropped',
  'deliver-at-publisher-qos',
  'overlap-lowest-qos',
  'qos2-duplicate-delivery',
  'no-puback',
  'no-pubcomp',
  'wrong-suback-packet-id',
  'no-unsuback',
  'unsubscribe-ignored',
  'dollar-topics-match-wildcards',
  'accept-wildcard-publish-topic',
  'accept-qos3',
  'accept-invalid-utf8',
  'no-keepalive-timeout',
  'will-after-disconnect',
  'no-will',
  'ignore-will-delay',
  'ignore-no-local',
  'ignore-retain-handling',
  'no-subscription-identifiers',
  'ignore-message-expiry',
  'drop-user-properties',
  'ignore-receive-maximum',
  'ignore-maximum-packet-size',
  'shared-delivers-to-all',
  'ignore-topic-alias',
  'reuse-inflight-packet-id',
  'success-without-subscribers',
  'ignore-maximum-qos',
  'unauthorized-publish-unacknowledged',
  'refused-qos2-remembered',
  'auth-continue-success-code',
  'auth-method-not-echoed',
  'reauth-failure-ignored',
  'ws-accept-text-frames',
] as const;

export type MutationName = (typeof MUTATION_NAMES)[number];

export interface MutationInfo {
  description: string;
  /** Normative statements (3.1.1 and/or 5.0 ids) the mutation breaks. */
  statements: string[];
}

export const MUTATIONS: Record<MutationName, MutationInfo> = {
  'ignore-retain-flag': {
    description: 'PUBLISH with RETAIN=1 is routed but never stored as the retained message.',
    statements: ['MQTT-3.3.1-5'],
  },
  'retain-flag-cleared-on-delivery': {
    description: 'Retained messages sent because of a new subscription carry RETAIN=0.',
    statements: ['MQTT-3.3.1-8', 'MQTT-3.3.1-9'],
  },
  'empty-retained-not-deleted': {
    description:
      'A retained PUBLISH with an empty payload is stored instead of deleting the retained message.',
    statements: ['MQTT-3.3.1-10', 'MQTT-3.3.1-11', 'MQTT-3.3.1-6', 'MQTT-3.3.1-7'],
  },
  'accept-second-connect': {
    description: 'A second CONNECT on the same connection is ignored instead of closing the connection.',
    statements: ['MQTT-3.1.0-2'],
  },
  'accept-first-packet-not-connect': {
    description: 'Packets before CONNECT are ignored instead of closing the connection.',
    statements: ['MQTT-3.1.0-1'],
  },
  'accept-reserved-connect-flag': {
    description: 'A CONNECT with the reserved connect flag set is accepted.',
    statements: ['MQTT-3.1.2-3'],
  },
  'accept-bad-protocol-level': {
    description: 'A CONNECT with an unsupported protocol level is accepted as MQTT 3.1.1.',
    statements: ['MQTT-3.1.2-2'],
  },
  'accept-empty-clientid-persistent': {
    description: 'A zero-length client id with clean session 0 (3.1.1) is accepted.',
    statements: ['MQTT-3.1.3-8'],
  },
  'no-assigned-client-id': {
    description: 'v5: a zero-length client id gets an id but the CONNACK omits Assigned Client Identifier.',
    statements: ['MQTT-3.1.3-7', 'MQTT-3.2.2-16'],
  },
  'session-present-always-false': {
    description: 'CONNACK Session Present is 0 even when a stored session is resumed.',
    statements: ['MQTT-3.2.2-2', 'MQTT-3.2.2-3'],
  },
  'clean-start-keeps-session': {
    description: 'Clean session / clean start 1 resumes the stored session instead of discarding it.',
    statements: ['MQTT-3.1.2-6', 'MQTT-3.1.2-4'],
  },
  'no-session-takeover': {
    description: 'A second connection with the same client id leaves the first connection open.',
    statements: ['MQTT-3.1.4-2', 'MQTT-3.1.4-3'],
  },
  'no-dup-on-redelivery': {
    description: 'Unacknowledged PUBLISH packets resent on session resume carry DUP=0.',
    statements: ['MQTT-3.3.1-1'],
  },
  'offline-messages-dropped': {
    description: 'QoS 1/2 messages for a disconnected persistent session are dropped instead of queued.',
    statements: ['MQTT-3.1.2-5', 'MQTT-4.5.0-1'],
  },
  'deliver-at-publisher-qos': {
    description: 'Messages are delivered at the publisher QoS, ignoring the granted subscription QoS.',
    statements: ['MQTT-3.8.4-6', 'MQTT-3.8.4-8'],
  },
  'overlap-lowest-qos': {
    description: 'With overlapping subscriptions the single copy uses the lowest instead of the highest QoS.',
    statements: ['MQTT-3.3.5-1', 'MQTT-3.3.4-2'],
  },
  'qos2-duplicate-delivery': {
    description: 'A QoS 2 PUBLISH resent before PUBREL is routed again (delivered twice).',
    statements: ['MQTT-4.3.3-2', 'MQTT-4.3.3-10'],
  },
  'no-puback': {
    description: 'QoS 1 PUBLISH packets are never acknowledged.',
    statements: ['MQTT-4.3.2-2', 'MQTT-4.3.2-4'],
  },
  'no-pubcomp': {
    description: 'PUBREL packets are never answered with PUBCOMP.',
    statements: ['MQTT-4.3.3-11'],
  },
  'wrong-suback-packet-id': {
    description: 'SUBACK carries the SUBSCRIBE packet id plus one.',
    statements: ['MQTT-3.8.4-2', 'MQTT-2.3.1-7', 'MQTT-2.2.1-6'],
  },
  'no-unsuback': {
    description: 'UNSUBSCRIBE packets are never acknowledged.',
    statements: ['MQTT-3.10.4-4', 'MQTT-3.10.4-5'],
  },
  'unsubscribe-ignored': {
    description: 'UNSUBACK is sent but the subscription is kept.',
    statements: ['MQTT-3.10.4-2', 'MQTT-3.10.4-1'],
  },
  'dollar-topics-match-wildcards': {
    description: 'Filters starting with + or # also match topics starting with $.',
    statements: ['MQTT-4.7.2-1'],
  },
  'accept-wildcard-publish-topic': {
    description: 'A PUBLISH topic containing + or # is accepted and routed.',
    statements: ['MQTT-3.3.2-2', 'MQTT-4.7.1-1', 'MQTT-4.7.0-1'],
  },
  'accept-qos3': {
    description: 'A PUBLISH with both QoS bits set is accepted as QoS 1.',
    statements: ['MQTT-3.3.1-4'],
  },
  'accept-invalid-utf8': {
    description: 'Ill-formed UTF-8 in a topic is accepted (decoded with replacement characters).',
    statements: ['MQTT-1.5.3-1', 'MQTT-1.5.4-1'],
  },
  'no-keepalive-timeout': {
    description: 'Clients silent for more than 1.5 x keep-alive are not disconnected.',
    statements: ['MQTT-3.1.2-24', 'MQTT-3.1.2-22'],
  },
  'will-after-disconnect': {
    description: 'The will message is published even after a normal DISCONNECT.',
    statements: ['MQTT-3.1.2-10', 'MQTT-3.14.4-3'],
  },
  'no-will': {
    description: 'The will message is never published.',
    statements: ['MQTT-3.1.2-8'],
  },
  'ignore-will-delay': {
    description: 'v5: the will is published at once, ignoring the Will Delay Interval.',
    statements: ['MQTT-3.1.3-9'],
  },
  'ignore-no-local': {
    description: 'v5: messages are sent back to their publisher despite the No Local option.',
    // The standard numbers the No Local rule [MQTT-3.8.3-3]; the statement list transcribes that id with other text.
    statements: ['MQTT-3.8.3-3'],
  },
  'ignore-retain-handling': {
    description: 'v5: retained messages are sent on subscribe whatever the Retain Handling option.',
    statements: ['MQTT-3.3.1-10', 'MQTT-3.3.1-11'],
  },
  'no-subscription-identifiers': {
    description: 'v5: Subscription Identifiers are not included in forwarded PUBLISH packets.',
    statements: ['MQTT-3.3.4-3', 'MQTT-3.3.4-4'],
  },
  'ignore-message-expiry': {
    description: 'v5: expired messages are still delivered and the expiry interval is forwarded unchanged.',
    statements: ['MQTT-3.3.2-5', 'MQTT-3.3.2-6'],
  },
  'drop-user-properties': {
    description: 'v5: User Properties of a PUBLISH are not forwarded.',
    statements: ['MQTT-3.3.2-17', 'MQTT-3.3.2-18'],
  },
  'ignore-receive-maximum': {
    description: 'v5: the client receive maximum is ignored (unbounded QoS 1/2 in flight towards it).',
    statements: ['MQTT-3.3.4-7'],
  },
  'ignore-maximum-packet-size': {
    description: 'v5: packets larger than the client maximum packet size are sent anyway.',
    statements: ['MQTT-3.1.2-24', 'MQTT-3.1.2-25'],
  },
  'shared-delivers-to-all': {
    description: 'v5: a message on a shared subscription is delivered to every member of the group.',
    // The one-copy-per-group rule has no id of its own; 4.8.2-1 is the shared subscription statement scenarios cite.
    statements: ['MQTT-4.8.2-1', 'MQTT-4.8.2-3'],
  },
  'ignore-topic-alias': {
    description:
      'v5: an inbound Topic Alias is not mapped (a PUBLISH with an empty topic and an alias is dropped).',
    statements: ['MQTT-3.3.2-12'],
  },
  'reuse-inflight-packet-id': {
    description: 'Every outgoing QoS 1/2 PUBLISH gets packet identifier 1, even while 1 is still in flight.',
    statements: ['MQTT-2.2.1-4', 'MQTT-2.3.1-4'],
  },
  'success-without-subscribers': {
    description:
      'v5: PUBACK/PUBREC say 0x00 (Success) instead of 0x10 (No matching subscribers) when no subscription matched; both are legal, so only `harness diff` and the may-level scenario see it.',
    statements: ['MQTT-3.4.2-1'],
  },
  'ignore-maximum-qos': {
    description:
      'v5: a subscription is granted at the requested QoS and a will QoS is accepted above the advertised Maximum QoS.',
    statements: ['MQTT-3.2.2-10', 'MQTT-3.2.2-12'],
  },
  'unauthorized-publish-unacknowledged': {
    description: '3.1.1: a PUBLISH the ACL denies gets no PUBACK/PUBREC and the connection stays open.',
    statements: ['MQTT-3.3.5-2'],
  },
  'refused-qos2-remembered': {
    description:
      'v5: the Packet Identifier of a QoS 2 PUBLISH refused with PUBREC 0x87 is kept, so the next PUBLISH with it is taken for a duplicate.',
    statements: ['MQTT-4.3.3-9'],
  },
  'auth-continue-success-code': {
    description:
      'v5: an AUTH that continues an enhanced authentication carries reason code 0x00 instead of 0x18.',
    statements: ['MQTT-4.12.0-2', 'MQTT-4.12.0-3'],
  },
  'auth-method-not-echoed': {
    description:
      'v5: the CONNACK that ends a successful enhanced authentication leaves out the Authentication Method.',
    statements: ['MQTT-4.12.0-5'],
  },
  'reauth-failure-ignored': {
    description: 'v5: a failed re-authentication leaves the connection open instead of closing it.',
    statements: ['MQTT-4.12.1-2'],
  },
  'ws-accept-text-frames': {
    description: 'A WebSocket text frame is read as MQTT bytes instead of closing the connection.',
    statements: ['MQTT-6.0.0-1'],
  },
};
