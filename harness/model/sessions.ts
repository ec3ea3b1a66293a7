// Model state of one MQTT session (by client id) and one client connection.
import type { Delivery, Forbidden } from './types.js';
import type { ClientName, QoS, WillSpec } from './session.js';
import type { RuleName } from './rules.js';
import type { CheckHint } from './types.js';

export interface Subscription {
  filter: string;
  /** Granted QoS (from SUBACK; the requested one until then). */
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  subscriptionId: number | undefined;
  shared: { group: string; filter: string } | undefined;
}

export interface SessionState {
  key: string;
  subscriptions: Map<string, Subscription>;
  /** Filters unsubscribed and not subscribed again (to name the rule a late message breaks). */
  unsubscribed: Set<string>;
  deliveries: Delivery[];
  /** Survives the end of its connection (3.1.1 clean session 0, 5.0 session expiry > 0). */
  persistent: boolean;
  /** The client whose connection holds it, if any. */
  attached: ClientName | undefined;
}

export interface Awaiting {
  type: 'connack' | 'suback' | 'unsuback' | 'puback' | 'pubrec' | 'pubcomp';
  packetId: number | undefined;
  rule: RuleName;
  dueAt: number;
  /** For a CONNACK: what it must say. */
  connack?: ConnackExpectation;
  /** SUBSCRIBE: the subscriptions it asked for (granted QoS comes with the SUBACK). */
  filters?: string[];
}

export interface ConnackExpectation {
  /** Allowed reason codes (first: the one a scenario expects). */
  reasonCodes: readonly number[];
  /** undefined: either. */
  sessionPresent: boolean | undefined;
  closeAfterRefusal: boolean;
  assigned: boolean;
}

export interface ConnectionState {
  name: ClientName;
  open: boolean;
  everOpened: boolean;
  /** Client id of the connection (session key); '' until a zero-length id is assigned. */
  sessionKey: string;
  autoAck: boolean;
  keepAlive: number;
  lastSentAt: number;
  will: WillSpec | undefined;
  /** Payload of the will (unique per session: the index of the connect action). */
  willPayload: string;
  receiveMaximum: number;
  maximumPacketSize: number | undefined;
  awaiting: Awaiting[];
  /** The server must close this connection by `at`. */
  closeDue: { rule: RuleName; at: number; check: CheckHint } | undefined;
  /** The server may close this connection (violation sent, keep alive ran out). */
  mayClose: boolean;
  /** QoS 1/2 deliveries sent to this connection and not acknowledged, by packet id. */
  inflight: Map<number, Delivery>;
  /** Packet ids of this connection's QoS 2 PUBLISHes refused with PUBREC >= 0x80. */
  refusedIds: Set<number>;
  /** The session it holds (after CONNACK). */
  attached: boolean;
  /** The connection was taken over by another with the same client id. */
  takenOver: boolean;
  /** Topic aliases this connection set (alias → topic). */
  aliases: Map<number, string>;
}

export function newSession(key: string, persistent: boolean): SessionState {
  return {
    key,
    subscriptions: new Map(),
    unsubscribed: new Set(),
    deliveries: [],
    persistent,
    attached: undefined,
  };
}

export function newConnection(name: ClientName, autoAck: boolean): ConnectionState {
  return {
    name,
    open: false,
    everOpened: false,
    sessionKey: name,
    autoAck,
    keepAlive: 0,
    lastSentAt: 0,
    will: undefined,
    willPayload: '',
    receiveMaximum: 65535,
    maximumPacketSize: undefined,
    awaiting: [],
    closeDue: undefined,
    mayClose: false,
    inflight: new Map(),
    refusedIds: new Set(),
    attached: false,
    takenOver: false,
    aliases: new Map(),
  };
}

export type { Forbidden };
