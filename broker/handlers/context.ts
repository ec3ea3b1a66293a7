// The narrow contexts handed to packet handlers. A handler sees what its packet type needs:
// a way to write packets and fail the connection, the session, and the broker services it uses.
// It never sees the connection object or the socket.
import type { AuthPacket, Packet, ProtocolLevel, Properties } from '../../wire/types.js';
import type { AuthExchange } from '../auth/enhanced.js';
import type { MutationName } from '../mutations.js';
import type { AuthenticateRequest, ClientIdentity, LogFunction, ResolvedBrokerOptions } from '../options.js';
import type { Router } from '../router/router.js';
import type { RetainedStore } from '../retained.js';
import type { Subscription } from '../router/subscription.js';
import type { Message } from '../session/message.js';
import type { Session } from '../session/session.js';

export interface PacketContext {
  readonly version: ProtocolLevel;
  readonly options: ResolvedBrokerOptions;
  readonly log: LogFunction;
  has(mutation: MutationName): boolean;
  now(): number;
  send(packet: Packet): void;
  /**
   * Protocol error or malformed packet found by a handler: v5 DISCONNECT with the reason code
   * (and a reason string unless the client asked for no problem information), then close.
   */
  fail(reasonCode: number, reason: string, statement?: string): void;
  /** Properties carrying a reason string, honouring Request Problem Information. */
  problem(reason: string): Properties | undefined;
}

export interface SessionContext extends PacketContext {
  readonly session: Session;
  readonly client: ClientIdentity;
}

export interface PublishContext extends SessionContext {
  /** Inbound topic aliases of this connection (v5). */
  readonly topicAliases: Map<number, string>;
  authorizePublish(topic: string): boolean;
  /** Routes the message (and stores it when retained); returns the number of matching subscribers. */
  publish(message: Message): number;
}

export interface AckContext extends SessionContext {
  /** Sends queued messages now that quota was released. */
  drain(): void;
}

export interface SubscribeContext extends SessionContext {
  readonly router: Router;
  readonly retained: RetainedStore;
  authorizeSubscribe(topicFilter: string): boolean;
  /** Sends every retained message matching a new subscription, paced by the socket. */
  sendRetained(subscription: Subscription): void;
  subscriptionsChanged(): void;
}

export interface DisconnectContext extends SessionContext {
  /** Client DISCONNECT: `keepWill` for v5 reason 0x04, new session expiry if given. */
  disconnect(keepWill: boolean): void;
  /** Session expiry interval sent at CONNECT (v5; 0 when absent). */
  readonly connectSessionExpiry: number;
}

/** What the CONNECT handler decided, applied by the connection and the broker. */
export interface ConnectDecision {
  clientId: string;
  assignedClientId: boolean;
  cleanStart: boolean;
  /** Seconds; Infinity for a 3.1.1 persistent session. */
  sessionExpiry: number;
  keepAlive: number;
  will: { message: Message; delayMs: number } | undefined;
  username: string | undefined;
  clientReceiveMaximum: number;
  clientMaximumPacketSize: number;
  clientTopicAliasMaximum: number;
  requestProblemInformation: boolean;
  /** v5 CONNACK properties (server limits and capabilities); undefined for 3.1.x. */
  connackProperties: Properties | undefined;
  /** The enhanced authentication method the connection authenticated with (re-authentication uses it). */
  authenticationMethod?: string;
}

export interface ConnectContext extends PacketContext {
  /** Called when the CONNECT packet sets the protocol version of the connection. */
  setVersion(version: ProtocolLevel): void;
  /** Sends a refusing CONNACK (return code / reason code) and closes the connection. */
  refuse(code: number | undefined, reason?: string): void;
  /** True when an authenticate hook is configured (the handler then awaits it). */
  readonly needsAuthentication: boolean;
  /** The client's address (sources with failed logins wait behind the others). */
  readonly remoteAddress: string | undefined;
  authenticate(request: AuthenticateRequest): Promise<boolean>;
  /** The same publish check as a PUBLISH, for the will of this CONNECT. */
  authorizePublish(client: ClientIdentity, topic: string): boolean;
  atConnectionLimit(): boolean;
  /** Takes over / creates the session, starts keep-alive, sends CONNACK 0x00. */
  accept(decision: ConnectDecision): void;
  newClientId(): string;
  /** During enhanced authentication: the next AUTH packet goes to `next` (other packets end the connection). */
  awaitAuth(next: (packet: AuthPacket) => void | Promise<void>): void;
}

/** AUTH on a connected session: re-authentication with the method of the CONNECT [MQTT-4.12.1-1]. */
export interface AuthContext extends PacketContext {
  /** The method the connection authenticated with; undefined when it used none. */
  readonly authenticationMethod: string | undefined;
  /** The re-authentication in progress, if any. */
  reauthentication: AuthExchange | undefined;
}
