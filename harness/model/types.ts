// What the model keeps and what it answers: messages, the deliveries it allows or requires, the
// replies a client waits for, and the disagreement it reports with the check that shows it.
import type { MqttVersion } from '../vocabulary.js';
import type { RuleName } from './rules.js';
import type { ClientName, QoS } from './session.js';

export interface ModelOptions {
  version: MqttVersion;
  /** How long a required reply or delivery may take (ms). */
  graceMs: number;
  /** Tolerance for time-bound rules (will delay, expiry, keep alive), ms. */
  toleranceMs: number;
  /** The target's ACL, when it runs with one (explore profile 'acl'). */
  acl?: AclModel;
  /** The Maximum QoS the target was started with, if known before its first CONNACK. */
  maximumQos?: QoS;
}

/** What a target's ACL denies every client, in model form ('~/x'). */
export interface AclModel {
  /** Topics no client may publish to. */
  deniedTopics: readonly string[];
  /** Filters no client may subscribe to. */
  deniedFilters: readonly string[];
}

export interface Message {
  /** Payload text (labels are unique per session; '' for an empty payload). */
  payload: string;
  topic: string;
  qos: QoS;
  retain: boolean;
  /** Client id of the publisher ('' for a will: it has no publisher subscription to skip). */
  publisher: string;
  at: number;
  expiry?: number;
  userProperties?: readonly (readonly [string, string])[];
  /** Bytes of the PUBLISH packet that would carry it (without properties the server adds). */
  size: number;
  /** QoS 2 PUBLISH sent twice before PUBREL. */
  resent: boolean;
  will: boolean;
}

export type DeliveryKind = 'live' | 'retained' | 'will';

export interface Delivery {
  message: Message;
  kind: DeliveryKind;
  qosAllowed: ReadonlySet<number>;
  qosMax: number;
  /** Allowed RETAIN flags. */
  retainAllowed: ReadonlySet<boolean>;
  subscriptionIds: readonly number[];
  /** Some matching subscription has no identifier: its own copy may carry none (MQTT-3.3.4-5). */
  copyWithoutIds?: boolean;
  maxCopies: number;
  copies: { qos: number; at: number }[];
  /** Must arrive by this time (undefined: may arrive or not). */
  dueAt: number | undefined;
  /** The rule a missing copy breaks. */
  missingRule: RuleName;
  /** Not before this time (will delay). */
  notBefore?: number | undefined;
  /** A shared-subscription group copy: one copy among all members. */
  group?: SharedGroupCopy;
  /**
   * Sent on a connection that then ended before it was acknowledged: re-sent with DUP 1 on resume.
   * `copies`: how many copies were unacknowledged (one per overlapping subscription).
   */
  unacked?: { packetId: number; copies: number } | undefined;
  /** A retained copy of one of several possible values (or near its expiry): never required. */
  uncertain?: boolean;
  /** Re-sendings (DUP 1) still owed on the resumed session. */
  redeliveries?: number;
  /**
   * 'either': copies not seen before a connection ended (one per overlapping subscription) may
   * have been sent into it, so they may come again with DUP 1.
   */
  laterCopies?: 'either';
  /** Whether the next sending must, may or must not be a re-delivery (DUP). */
  dup: 'no' | 'yes' | 'either';
  /** Expected packet id of a re-delivery. */
  packetId?: number;
}

export interface SharedGroupCopy {
  key: string;
  copies: number;
  /** A member lost its connection since the publish: a second copy is allowed. */
  memberLost: boolean;
}

export interface Forbidden {
  topic: string;
  payload: string;
  rule: RuleName;
  /** Only before this time (will delay). */
  until?: number;
}

/** The check a found scenario runs to show the disagreement (the scenario writer turns it into a step). */
export type CheckHint =
  | {
      kind: 'delivery';
      client: ClientName;
      topic: string;
      payload: string;
      qos?: number;
      retain?: boolean;
      dup?: boolean;
      subscriptionIds?: 'present';
      userProperties?: readonly (readonly [string, string])[];
    }
  | { kind: 'count'; client: ClientName; topic: string; payload: string; count: number; duration: number }
  | { kind: 'closed'; client: ClientName }
  | { kind: 'open'; client: ClientName }
  | { kind: 'reply'; client: ClientName }
  | { kind: 'suback'; client: ClientName; maximumQos: number }
  | { kind: 'connack'; client: ClientName; reasonCode: number; sessionPresent?: boolean; assigned?: boolean }
  | { kind: 'distinct-ids'; client: ClientName; first: string; second: string; topic: string }
  | { kind: 'in-flight'; client: ClientName; count: number; duration: number };

export interface Disagreement {
  rule: RuleName;
  statements: readonly string[];
  client: ClientName | undefined;
  /** What the broker did, against what the model allows. */
  message: string;
  /** Index of the last action run before the disagreement was seen. */
  actionIndex: number;
  check: CheckHint;
}
