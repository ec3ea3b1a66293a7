// A client session as the explorer generates it and the model reads it: a list of actions by up to
// three clients. Topic names and filters are written with '~' for a per-run prefix level ('~/t/a');
// the executor and the scenario writer substitute it. Actions that make no sense in the state they
// come in (a publish on a closed client) are skipped by both, so a shrunk list stays meaningful.
import type { MqttVersion } from '../vocabulary.js';

export const CLIENT_NAMES = ['a', 'b', 'c'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];
export type QoS = 0 | 1 | 2;

export interface WillSpec {
  topic: string;
  qos: QoS;
  retain: boolean;
  /** 5.0 Will Delay Interval, seconds. */
  delay?: number;
}

export interface ConnectAction {
  do: 'connect';
  client: ClientName;
  /** Clean session (3.1.1) / clean start (5.0). */
  clean: boolean;
  /** Connect with the client id of another client (takeover, or resuming its session). */
  as?: ClientName;
  /** A zero-length client id. */
  emptyId?: boolean;
  keepAlive?: number;
  will?: WillSpec;
  /** 5.0 Session Expiry Interval, seconds (absent: 0). */
  sessionExpiry?: number;
  /** 5.0 Receive Maximum. */
  receiveMaximum?: number;
  /** 5.0 Maximum Packet Size. */
  maximumPacketSize?: number;
}

export interface SubscribeAction {
  do: 'subscribe';
  client: ClientName;
  filter: string;
  qos: QoS;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
  subscriptionId?: number;
}

export interface UnsubscribeAction {
  do: 'unsubscribe';
  client: ClientName;
  filter: string;
}

export interface PublishAction {
  do: 'publish';
  client: ClientName;
  topic: string;
  qos: QoS;
  retain: boolean;
  /** Empty payload (with retain: deletes the retained message). */
  empty?: boolean;
  /** A payload of this many bytes instead of the short label. */
  size?: number;
  /** 5.0 Message Expiry Interval, seconds. */
  expiry?: number;
  /** 5.0: two User Properties. */
  userProperties?: boolean;
  /** 5.0: send through a Topic Alias (the first use sets it, later ones send an empty topic). */
  alias?: boolean;
  /** QoS 2: the PUBLISH is sent again (DUP 1) before PUBREL. */
  resend?: boolean;
  /** Use the Packet Identifier of this client's last PUBLISH refused with PUBREC >= 0x80 (5.0). */
  reuseRefusedId?: boolean;
}

export interface EndAction {
  do: 'disconnect' | 'drop';
  client: ClientName;
}

export interface WaitAction {
  do: 'wait';
  ms: number;
}

export const VIOLATIONS = [
  'second-connect',
  'qos3',
  'wildcard-topic',
  'ill-formed-utf8',
  'reserved-flag',
  'protocol-level',
  'first-not-connect',
] as const;
export type ViolationKind = (typeof VIOLATIONS)[number];

/** A protocol violation: the server must close the connection. */
export interface ViolateAction {
  do: 'violate';
  client: ClientName;
  kind: ViolationKind;
}

export type Action =
  | ConnectAction
  | SubscribeAction
  | UnsubscribeAction
  | PublishAction
  | EndAction
  | WaitAction
  | ViolateAction;

export interface Session {
  version: MqttVersion;
  /** Clients that answer every QoS 1/2 PUBLISH at once; the others withhold their acks. */
  autoAck: Readonly<Record<ClientName, boolean>>;
  actions: readonly Action[];
}

/** The violations sent on a client without a connection (the others need a connected client). */
export const FRESH_VIOLATIONS: ReadonlySet<ViolationKind> = new Set([
  'reserved-flag',
  'protocol-level',
  'first-not-connect',
]);

/** The payload text of the publish at `index` (unique in the session). */
export function payloadLabel(index: number): string {
  return `m${index}`;
}

/** The payload the publish at `index` sends. */
export function publishPayload(index: number, action: PublishAction): string {
  if (action.empty === true) return '';
  return payloadLabel(index) + 'x'.repeat(action.size ?? 0);
}
