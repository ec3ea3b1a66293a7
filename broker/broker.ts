// The reference broker: owns sessions, the subscription router, retained messages and wills, and
// hands each accepted byte stream to a Connection. Transports (TCP, TLS, WebSocket) live elsewhere.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { QoS } from '../wire/types.js';
import { Connection } from './connection.js';
import type { BrokerCore } from './core.js';
import type { ConnectDecision } from './handlers/context.js';
import { Hooks } from './hooks.js';
import { KeepAliveMonitor } from './keepalive.js';
import type { MutationName } from './mutations.js';
import { resolveOptions } from './options.js';
import type { BrokerOptions, ClientIdentity, ResolvedBrokerOptions } from './options.js';
import { RetainedStore } from './retained.js';
import { Router } from './router/router.js';
import type { Publisher } from './session/flow-control.js';
import type { Message } from './session/message.js';
import { Session, type SessionLimits } from './session/session.js';
import { createStats } from './stats.js';
import type { BrokerStats } from './stats.js';
import { WillScheduler } from './will.js';

/** setTimeout's largest delay (about 24.8 days); longer session expiries are clamped to it. */
const MAX_TIMER_MS = 2_147_483_647;

export class Broker implements BrokerCore {
  readonly options: ResolvedBrokerOptions;
  readonly stats: BrokerStats;
  readonly hooks: Hooks;
  readonly router = new Router();
  readonly retained = new RetainedStore();
  readonly keepAlive = new KeepAliveMonitor();
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  private readonly wills: WillScheduler;
  /** One object for every session (a session is created per client id: memory counts). */
  private readonly sessionLimits: SessionLimits;
  private closing = false;

  constructor(options?: BrokerOptions) {
    this.options = resolveOptions(options);
    this.stats = createStats(Date.now());
    this.hooks = new Hooks(this.options);
    this.sessionLimits = Object.freeze({
      maxQueuedMessages: this.options.maxQueuedMessages,
      stalledSubscriberTimeoutMs: this.options.stalledSubscriberTimeoutMs,
      dropOffline: this.has('offline-messages-dropped'),
      ignoreExpiry: this.has('ignore-message-expiry'),
      noDupOnResend: this.has('no-dup-on-redelivery'),
      reusePacketIds: this.has('reuse-inflight-packet-id'),
    });
    this.wills = new WillScheduler((will) => this.safely('will', () => this.publishWill(will)));
  }

  /** Take ownership of a connected byte stream (net.Socket, TLS socket, or a Duplex wrapping a WebSocket). */
  handleConnection(
    stream: Duplex,
    info: { remoteAddress?: string | undefined; transport?: string | undefined } = {},
  ): void {
    if (this.closing) {
      stream.destroy();
      return;
    }
    const connection = new Connection(stream, this, info);
    this.connections.add(connection);
  }

  /** Publish from inside the broker (used for $SYS); goes through routing and retain. */
  publishInternal(message: { topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean }): void {
    this.publish({
      topic: message.topic,
      payload: message.payload,
      qos: message.qos,
      retain: message.retain,
      properties: undefined,
      expiresAt: undefined,
      expiryInterval: undefined,
      publisherId: undefined,
    });
  }

  /** Close every connection (v5: DISCONNECT 0x8B first), clear timers; resolves when all sockets are closed. */
  async close(): Promise<void> {
    this.closing = true;
    const closing = [...this.connections].map((connection) => connection.shutdown());
    await Promise.all(closing);
    this.keepAlive.stop();
    this.wills.clear();
    for (const session of [...this.sessions.values()]) this.endSession(session, false);
    this.retained.clear();
    this.stats.retainedCount = 0;
  }

  /** Number of sessions currently stored (connected or not). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  // ---- BrokerCore ----------------------------------------------------------------------------

  has(mutation: MutationName): boolean {
    return this.options.mutations.has(mutation);
  }

  connectedCount(): number {
    return this.stats.clientsConnected;
  }

  newClientId(): string {
    return `auto-${randomUUID()}`;
  }

  forget(connection: Connection): void {
    this.connections.delete(connection);
  }

  /**
   * Routes a message to every matching session and stores it when retained; returns the number of
   * receivers. `publisher` (a client connection) is held while a session it feeds is over its bound.
   */
  publish(message: Message, publisher?: Publisher): number {
    if (message.retain && this.options.retainAvailable && !this.has('ignore-retain-flag')) {
      if (message.payload.length === 0 && !this.has('empty-retained-not-deleted')) {
        // [MQTT-3.3.1-10] [MQTT-3.3.1-11] (3.1.1) / [MQTT-3.3.1-6] [MQTT-3.3.1-7] (5.0)
        this.retained.delete(message.topic);
      } else {
        // [MQTT-3.3.1-5] store, replacing the previous retained message of the topic.
        this.retained.set(message);
      }
      this.stats.retainedCount = this.retained.size;
    }
    const deliveries = this.router.route(message.topic, {
      publisherId: message.publisherId,
      isOnline: (clientId) => this.sessions.get(clientId)?.connected === true,
      dollarRule: !this.has('dollar-topics-match-wildcards'),
      ignoreNoLocal: this.has('ignore-no-local'),
      lowestQoSOnOverlap: this.has('overlap-lowest-qos'),
      sharedToAll: this.has('shared-delivers-to-all'),
    });
    const now = Date.now();
    const atPublisherQoS = this.has('deliver-at-publisher-qos');
    let receivers = 0;
    for (const delivery of deliveries) {
      const session = this.sessions.get(delivery.clientId);
      if (session === undefined || !this.mayRead(session, message.topic)) continue;
      receivers++;
      // [MQTT-3.8.4-6] (3.1.1) / [MQTT-3.8.4-8] (5.0): the lower of published and granted QoS.
      const qos = atPublisherQoS ? message.qos : (Math.min(message.qos, delivery.qos) as QoS);
      // 3.1.1 [MQTT-3.3.1-9] / 5.0 [MQTT-3.3.1-12] [MQTT-3.3.1-13]: RETAIN cleared unless Retain As Published.
      const retain = delivery.retainAsPublished ? message.retain : false;
      try {
        session.deliver({ message, qos, retain, subscriptionIds: delivery.subscriptionIds }, now, publisher);
      } catch (error) {
        // One subscriber's failure (e.g. an unencodable packet for it) must not affect the publisher.
        this.stats.messagesDropped++;
        this.options.log('error', 'delivery failed', { clientId: delivery.clientId, error: String(error) });
      }
    }
    return receivers;
  }

  /**
   * Read rights are checked for every delivery against the identity that owns the receiving
   * session, not only when it subscribed: rights given by a hook may change, and a session is
   * never handed to another identity (see openSession).
   */
  mayRead(session: Session, topic: string): boolean {
    return this.hooks.authorizeRead(session.owner, topic);
  }

  openSession(
    clientId: string,
    cleanStart: boolean,
    owner: Connection,
  ): { session: Session; present: boolean } | undefined {
    let session = this.sessions.get(clientId);
    const identity = owner.identity;
    // A session (its subscriptions, queued messages, and the connection using it) belongs to the
    // identity that created it: another one may neither resume it nor take it over.
    if (session !== undefined && session.owner.username !== identity.username) return undefined;
    const current = session?.sink;
    if (current instanceof Connection && current !== owner && !this.has('no-session-takeover')) {
      // 3.1.1 [MQTT-3.1.4-2] / 5.0 [MQTT-3.1.4-3]: the existing connection is closed (v5 DISCONNECT 0x8E).
      current.takeover();
      session = this.sessions.get(clientId);
    }
    if (session !== undefined && cleanStart) {
      // [MQTT-3.1.2-6] (3.1.1) / [MQTT-3.1.2-4] (5.0): discard the old session; a pending will goes out now.
      this.endSession(session, true);
      session = undefined;
    } else {
      // [MQTT-3.1.3-9] back before the will delay elapsed: the will is not sent.
      this.wills.cancel(clientId);
    }
    const present = session !== undefined;
    if (session === undefined) {
      session = new Session(clientId, identity, this.stats, this.sessionLimits);
      this.sessions.set(clientId, session);
    }
    if (session.expiryTimer !== undefined) clearTimeout(session.expiryTimer);
    session.expiryTimer = undefined;
    session.disconnectedAt = undefined;
    return { session, present };
  }

  detachSession(session: Session, owner: Connection, will: ConnectDecision['will']): void {
    this.stats.clientsConnected--;
    if (will !== undefined && !this.has('no-will')) {
      // The will waits for its delay, but never beyond the end of the session (5.0 section 3.1.3.2.2).
      const sessionEndsMs = session.expiryInterval * 1000;
      const delay = this.has('ignore-will-delay') ? 0 : Math.min(will.delayMs, sessionEndsMs);
      this.wills.schedule(session.clientId, { message: will.message, owner: session.owner }, delay);
    }
    if (session.sink !== owner) return; // another connection owns the session now
    session.detach();
    session.disconnectedAt = Date.now();
    if (this.closing) return;
    if (session.expiryInterval === 0) {
      this.endSession(session, true);
    } else if (Number.isFinite(session.expiryInterval)) {
      // [MQTT-4.1.0-2] (5.0) the session is discarded once its expiry interval has passed.
      session.expiryTimer = setTimeout(
        () => this.safely('session expiry', () => this.endSession(session, true)),
        Math.min(session.expiryInterval * 1000, MAX_TIMER_MS),
      );
      session.expiryTimer.unref();
    }
  }

  /** The session ends: pending will now, subscriptions and state freed. */
  private endSession(session: Session, fireWill: boolean): void {
    if (fireWill) this.wills.fireNow(session.clientId);
    else this.wills.cancel(session.clientId);
    if (session.subscriptions.size > 0)
      for (const subscription of session.subscriptions.values()) this.router.remove(subscription);
    session.clear();
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
    this.stats.subscriptions = this.router.size;
  }

  /** Timer callbacks: an exception is logged, never thrown into the event loop. */
  private safely(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.options.log('error', `${what} failed`, {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  private publishWill(will: { message: Message; owner: ClientIdentity }): void {
    const { message, owner } = will;
    // Checked at CONNECT already (refused there); checked again now, as for any PUBLISH, since a
    // hook's answer may have changed: a will may do what its client may do, nothing more.
    if (!this.hooks.authorizePublish(owner, message.topic)) {
      this.options.log('info', 'will not authorized: dropped', {
        clientId: owner.clientId,
        topic: message.topic,
      });
      return;
    }
    // The will's Message Expiry Interval counts from the moment it is published.
    const expiresAt =
      message.expiryInterval === undefined ? undefined : Date.now() + message.expiryInterval * 1000;
    this.publish({ ...message, expiresAt });
  }
}
