// The broker services a connection uses (implemented by Broker): the seam between one connection
// and the shared state (sessions, router, retained store, hooks, counters).
import type { ConnectDecision } from './handlers/context.js';
import type { Hooks } from './hooks.js';
import type { KeepAliveMonitor } from './keepalive.js';
import type { MutationName } from './mutations.js';
import type { ClientIdentity, ResolvedBrokerOptions } from './options.js';
import type { RetainedStore } from './retained.js';
import type { Router } from './router/router.js';
import type { Publisher } from './session/flow-control.js';
import type { Message } from './session/message.js';
import type { Session } from './session/session.js';
import type { BrokerStats } from './stats.js';

/** A client connection as the core sees it (implemented by broker/connection.ts). */
export interface ClientConnection {
  readonly clientId: string;
  readonly identity: ClientIdentity;
}

export interface BrokerCore {
  readonly options: ResolvedBrokerOptions;
  readonly stats: BrokerStats;
  readonly hooks: Hooks;
  readonly router: Router;
  readonly retained: RetainedStore;
  readonly keepAlive: KeepAliveMonitor;
  has(mutation: MutationName): boolean;
  /** Routes a message; `publisher` is held while a subscriber it feeds is over its bound. */
  publish(message: Message, publisher?: Publisher): number;
  /** Read rights of the session's owner on a topic, checked for every delivery. */
  mayRead(session: Session, topic: string): boolean;
  connectedCount(): number;
  newClientId(): string;
  /**
   * Takeover, clean start, session creation [MQTT-3.1.2-4] [MQTT-3.1.4-2]. Undefined when the
   * client id's session belongs to another identity (the CONNECT is refused).
   */
  openSession(
    clientId: string,
    cleanStart: boolean,
    owner: ClientConnection,
  ): { session: Session; present: boolean } | undefined;
  /** The connection attached to `session` ended; `will` is set when it must be published. */
  detachSession(session: Session, owner: ClientConnection, will: ConnectDecision['will']): void;
  forget(connection: ClientConnection): void;
}
