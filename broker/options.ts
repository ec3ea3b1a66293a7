// Broker options: everything optional for the user (BrokerOptions), everything resolved for the code
// (ResolvedBrokerOptions). Safe defaults live in one DEFAULTS object.
import type { EnhancedAuthMethod } from './auth/enhanced.js';
import type { MutationName } from './mutations.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFunction = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** The identity of a connected client as seen by the authorization hooks. */
export interface ClientIdentity {
  clientId: string;
  username?: string;
}

export interface AuthenticateRequest {
  clientId: string;
  username?: string;
  password?: Buffer;
  /** The client's address, when the transport knows it (sources with failed logins wait longer). */
  remoteAddress?: string;
}

export interface BrokerOptions {
  /** A socket that sends no CONNECT within this time is closed. Default 10000. */
  connectTimeoutMs?: number;
  /** Largest packet accepted from a client (bytes, whole packet). Default 1 MiB; advertised in the v5 CONNACK. */
  maxPacketSize?: number;
  /** Connections beyond this are refused (CONNACK 0x03 / v5 0x89 Server busy). Default unlimited. */
  maxConnections?: number;
  /** Server's receive maximum (QoS 1/2 publishes a v5 client may leave unacknowledged). Default 64. */
  receiveMaximum?: number;
  /** Outbound QoS 1/2 messages in flight per session (further capped by the client's receive maximum). Default 64. */
  maxInflight?: number;
  /**
   * QoS 1/2 messages queued per session. Offline: overflow is dropped and counted. Connected: at the
   * bound the publishers feeding the session are held (flow control) instead. Default 1000.
   */
  maxQueuedMessages?: number;
  /**
   * A connected session that holds publishers and sends nothing from its queue for this long is
   * disconnected (v5 DISCONNECT 0x97 Quota exceeded). 0: never. Default 10000.
   */
  stalledSubscriberTimeoutMs?: number;
  /** Longest topic name or filter in bytes. Default 65535. */
  maxTopicLength?: number;
  /** Most levels in a topic name or filter. Default 128. */
  maxTopicLevels?: number;
  /** Topic aliases a v5 client may use towards us. Default 16. */
  topicAliasMaximum?: number;
  /** v5 only: keep-alive imposed on clients through the Server Keep Alive property. */
  serverKeepAlive?: number;
  /** Upper bound of the v5 session expiry interval (seconds). Default 0xFFFFFFFF (no bound). */
  maxSessionExpiryInterval?: number;
  retainAvailable?: boolean;
  maximumQoS?: 0 | 1 | 2;
  wildcardSubscriptionAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  /** Output bytes buffered on a socket beyond which QoS 0 messages are dropped and QoS 1/2 are queued. Default 1 MiB. */
  maxWriteBuffer?: number;
  authenticate?: (req: AuthenticateRequest) => boolean | Promise<boolean>;
  /**
   * v5 enhanced authentication methods offered (e.g. scramSha256(users)). A CONNECT naming one runs
   * its AUTH exchange instead of the password check; other methods are refused (0x8C).
   */
  enhancedAuthentication?: readonly EnhancedAuthMethod[];
  authorizePublish?: (client: ClientIdentity, topic: string) => boolean;
  authorizeSubscribe?: (client: ClientIdentity, topicFilter: string) => boolean;
  /**
   * Read rights on a topic, checked for every message delivered (and every retained message sent)
   * to a session of `client`. Absent: whatever SUBSCRIBE granted is delivered.
   */
  authorizeRead?: (client: ClientIdentity, topic: string) => boolean;
  log?: LogFunction;
  /** Test-only: deliberate rule violations, see broker/mutations.ts. */
  mutations?: Iterable<MutationName>;
}

export interface ResolvedBrokerOptions {
  connectTimeoutMs: number;
  maxPacketSize: number;
  maxConnections: number;
  receiveMaximum: number;
  maxInflight: number;
  maxQueuedMessages: number;
  stalledSubscriberTimeoutMs: number;
  maxTopicLength: number;
  maxTopicLevels: number;
  topicAliasMaximum: number;
  serverKeepAlive: number | undefined;
  maxSessionExpiryInterval: number;
  retainAvailable: boolean;
  maximumQoS: 0 | 1 | 2;
  wildcardSubscriptionAvailable: boolean;
  sharedSubscriptionAvailable: boolean;
  subscriptionIdentifiersAvailable: boolean;
  maxWriteBuffer: number;
  authenticate: ((req: AuthenticateRequest) => boolean | Promise<boolean>) | undefined;
  enhancedAuthentication: readonly EnhancedAuthMethod[];
  authorizePublish: ((client: ClientIdentity, topic: string) => boolean) | undefined;
  authorizeSubscribe: ((client: ClientIdentity, topicFilter: string) => boolean) | undefined;
  authorizeRead: ((client: ClientIdentity, topic: string) => boolean) | undefined;
  log: LogFunction;
  mutations: ReadonlySet<MutationName>;
}

export const DEFAULTS = {
  connectTimeoutMs: 10_000,
  maxPacketSize: 1024 * 1024,
  maxConnections: Number.POSITIVE_INFINITY,
  receiveMaximum: 64,
  maxInflight: 64,
  maxQueuedMessages: 1000,
  stalledSubscriberTimeoutMs: 10_000,
  maxTopicLength: 65_535,
  maxTopicLevels: 128,
  topicAliasMaximum: 16,
  maxSessionExpiryInterval: 0xffff_ffff,
  retainAvailable: true,
  maximumQoS: 2,
  wildcardSubscriptionAvailable: true,
  sharedSubscriptionAvailable: true,
  subscriptionIdentifiersAvailable: true,
  maxWriteBuffer: 1024 * 1024,
} as const;

const silent: LogFunction = () => {};

export function resolveOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    maxPacketSize: options.maxPacketSize ?? DEFAULTS.maxPacketSize,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    receiveMaximum: options.receiveMaximum ?? DEFAULTS.receiveMaximum,
    maxInflight: options.maxInflight ?? DEFAULTS.maxInflight,
    maxQueuedMessages: options.maxQueuedMessages ?? DEFAULTS.maxQueuedMessages,
    stalledSubscriberTimeoutMs: options.stalledSubscriberTimeoutMs ?? DEFAULTS.stalledSubscriberTimeoutMs,
    maxTopicLength: options.maxTopicLength ?? DEFAULTS.maxTopicLength,
    maxTopicLevels: options.maxTopicLevels ?? DEFAULTS.maxTopicLevels,
    topicAliasMaximum: options.topicAliasMaximum ?? DEFAULTS.topicAliasMaximum,
    serverKeepAlive: options.serverKeepAlive,
    maxSessionExpiryInterval: options.maxSessionExpiryInterval ?? DEFAULTS.maxSessionExpiryInterval,
    retainAvailable: options.retainAvailable ?? DEFAULTS.retainAvailable,
    maximumQoS: options.maximumQoS ?? DEFAULTS.maximumQoS,
    wildcardSubscriptionAvailable:
      options.wildcardSubscriptionAvailable ?? DEFAULTS.wildcardSubscriptionAvailable,
    sharedSubscriptionAvailable: options.sharedSubscriptionAvailable ?? DEFAULTS.sharedSubscriptionAvailable,
    subscriptionIdentifiersAvailable:
      options.subscriptionIdentifiersAvailable ?? DEFAULTS.subscriptionIdentifiersAvailable,
    maxWriteBuffer: options.maxWriteBuffer ?? DEFAULTS.maxWriteBuffer,
    authenticate: options.authenticate,
    enhancedAuthentication: options.enhancedAuthentication ?? [],
    authorizePublish: options.authorizePublish,
    authorizeSubscribe: options.authorizeSubscribe,
    authorizeRead: options.authorizeRead,
    log: options.log ?? silent,
    mutations: new Set(options.mutations ?? []),
  };
}
