// The handler contexts of one connection (see handlers/context.ts). Handlers get these, never the
// connection: each context type exposes only what its packet types need. After CONNECT one object
// serves all four session contexts, with its methods on the prototype: per connection it costs one
// small object instead of four objects and some twenty closures.
import type { AuthPacket, Packet, Properties, ProtocolLevel } from '../wire/types.js';
import type { AuthExchange } from './auth/enhanced.js';
import type { BrokerCore } from './core.js';
import type {
  AckContext,
  AuthContext,
  ConnectContext,
  ConnectDecision,
  DisconnectContext,
  PublishContext,
  SubscribeContext,
} from './handlers/context.js';
import type { MutationName } from './mutations.js';
import type { ClientIdentity, LogLevel, ResolvedBrokerOptions } from './options.js';
import type { RetainedStore } from './retained.js';
import type { Router } from './router/router.js';
import type { Subscription } from './router/subscription.js';
import type { Publisher } from './session/flow-control.js';
import type { Message } from './session/message.js';
import type { QueuedEntry, Session } from './session/session.js';

/** What the connection lends to the contexts. */
export interface ContextHost {
  readonly version: ProtocolLevel;
  /** The connection as a publisher: held back when a subscriber it feeds is over its bound. */
  readonly gate: Publisher;
  readonly core: BrokerCore;
  readonly remoteAddress: string | undefined;
  has(mutation: MutationName): boolean;
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  send(packet: Packet): void;
  fail(reasonCode: number, reason: string, statement?: string): void;
  problem(reason: string): Properties | undefined;
}

/** What the connection adds for a connected session. */
export interface SessionHost extends ContextHost {
  /** Inbound topic aliases (v5), created on first use. */
  inboundAliases(): Map<number, string>;
  readonly connectSessionExpiry: number;
  /** The enhanced authentication method of the CONNECT, if any. */
  readonly authenticationMethod: string | undefined;
  /** Client DISCONNECT; `keepWill` for v5 reason 0x04. */
  disconnectByClient(keepWill: boolean): void;
}

export function connectContext(
  host: ContextHost,
  actions: {
    setVersion(version: ProtocolLevel): void;
    refuse(code: number | undefined, reason?: string): void;
    accept(decision: ConnectDecision): void;
    awaitAuth(next: (packet: AuthPacket) => void | Promise<void>): void;
  },
): ConnectContext {
  const { core } = host;
  return {
    // CONNECT sets the version while it is handled: read it live.
    get version() {
      return host.version;
    },
    options: core.options,
    log: (level, message, fields) => host.log(level, message, fields),
    has: (mutation) => host.has(mutation),
    now: () => Date.now(),
    send: (packet) => host.send(packet),
    fail: (reasonCode, reason, statement) => host.fail(reasonCode, reason, statement),
    problem: (reason) => host.problem(reason),
    setVersion: (version) => actions.setVersion(version),
    refuse: (code, reason) => actions.refuse(code, reason),
    accept: (decision) => actions.accept(decision),
    needsAuthentication: core.hooks.hasAuthenticate,
    remoteAddress: host.remoteAddress,
    authenticate: (request) => core.hooks.authenticate(request),
    authorizePublish: (client, topic) => core.hooks.authorizePublish(client, topic),
    atConnectionLimit: () => core.connectedCount() >= core.options.maxConnections,
    newClientId: () => core.newClientId(),
    awaitAuth: (next) => actions.awaitAuth(next),
  };
}

/** PUBLISH, acknowledgements, SUBSCRIBE/UNSUBSCRIBE and DISCONNECT contexts of one session. */
export class SessionServices
  implements PublishContext, AckContext, SubscribeContext, DisconnectContext, AuthContext
{
  /** A re-authentication in progress (AUTH 0x19 answered, waiting for the client's next AUTH). */
  reauthentication: AuthExchange | undefined = undefined;

  constructor(
    private readonly host: SessionHost,
    readonly session: Session,
    readonly client: ClientIdentity,
  ) {}

  get version(): ProtocolLevel {
    return this.host.version;
  }

  get options(): ResolvedBrokerOptions {
    return this.host.core.options;
  }

  get router(): Router {
    return this.host.core.router;
  }

  get retained(): RetainedStore {
    return this.host.core.retained;
  }

  get topicAliases(): Map<number, string> {
    return this.host.inboundAliases();
  }

  get connectSessionExpiry(): number {
    return this.host.connectSessionExpiry;
  }

  get authenticationMethod(): string | undefined {
    return this.host.authenticationMethod;
  }

  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.host.log(level, message, fields);
  }

  has(mutation: MutationName): boolean {
    return this.host.has(mutation);
  }

  now(): number {
    return Date.now();
  }

  send(packet: Packet): void {
    this.host.send(packet);
  }

  fail(reasonCode: number, reason: string, statement?: string): void {
    this.host.fail(reasonCode, reason, statement);
  }

  problem(reason: string): Properties | undefined {
    return this.host.problem(reason);
  }

  authorizePublish(topic: string): boolean {
    return this.host.core.hooks.authorizePublish(this.client, topic);
  }

  publish(message: Message): number {
    return this.host.core.publish(message, this.host.gate);
  }

  drain(): void {
    this.session.drain(Date.now());
  }

  authorizeSubscribe(topicFilter: string): boolean {
    return this.host.core.hooks.authorizeSubscribe(this.client, topicFilter);
  }

  subscriptionsChanged(): void {
    this.host.core.stats.subscriptions = this.host.core.router.size;
  }

  /**
   * [MQTT-3.3.1-6] (3.1.1) / [MQTT-3.3.1-9] (5.0): every retained message matching the new
   * subscription, all of them, paced by the socket (a replay the session drains as it can write).
   */
  sendRetained(subscription: Subscription): void {
    const { core } = this.host;
    const has = (mutation: MutationName): boolean => this.host.has(mutation);
    const now = Date.now();
    const honourExpiry = !has('ignore-message-expiry');
    const topics = core.retained.matchTopics(subscription.topicFilter, now, {
      dollarRule: !has('dollar-topics-match-wildcards'),
      honourExpiry,
    });
    if (topics.length === 0) return;
    // [MQTT-3.3.1-8] retained messages sent for a new subscription keep RETAIN=1.
    const retain = !has('retain-flag-cleared-on-delivery');
    const atPublisherQoS = has('deliver-at-publisher-qos');
    const subscriptionIds = subscription.subscriptionId === undefined ? [] : [subscription.subscriptionId];
    const session = this.session;
    session.replay({
      key: subscription.filter,
      topics,
      next: 0,
      entry(topic, at): QueuedEntry | undefined {
        const message = core.retained.get(topic, at, honourExpiry);
        if (message === undefined || !core.mayRead(session, topic)) return undefined;
        // [MQTT-3.8.4-6] (3.1.1) / [MQTT-3.8.4-8] (5.0): the lower of published and granted QoS.
        const qos = atPublisherQoS
          ? message.qos
          : message.qos < subscription.qos
            ? message.qos
            : subscription.qos;
        return { message, qos, retain, subscriptionIds };
      },
    });
    session.drain(now);
  }

  disconnect(keepWill: boolean): void {
    this.host.disconnectByClient(keepWill);
  }
}
