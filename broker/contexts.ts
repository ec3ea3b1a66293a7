// Builds the narrow handler contexts of one connection (see handlers/context.ts). Handlers get
// these objects, never the connection: each exposes only what its packet types need.
import type { Packet, Properties, ProtocolLevel } from '../wire/types.js';
import type { BrokerCore } from './connection.js';
import type {
  AckContext,
  ConnectContext,
  ConnectDecision,
  DisconnectContext,
  PacketContext,
  PublishContext,
  SubscribeContext,
} from './handlers/context.js';
import type { MutationName } from './mutations.js';
import type { ClientIdentity, LogFunction } from './options.js';
import type { Session } from './session/session.js';

/** What the connection lends to the contexts. */
export interface ContextHost {
  readonly version: ProtocolLevel;
  readonly core: BrokerCore;
  has(mutation: MutationName): boolean;
  log: LogFunction;
  send(packet: Packet): void;
  fail(reasonCode: number, reason: string, statement?: string): void;
  problem(reason: string): Properties | undefined;
}

export interface SessionContexts {
  publish: PublishContext;
  ack: AckContext;
  subscribe: SubscribeContext;
  disconnect: DisconnectContext;
}

function packetContext(host: ContextHost): PacketContext {
  return {
    version: host.version,
    options: host.core.options,
    log: (level, message, fields) => host.log(level, message, fields),
    has: (mutation) => host.has(mutation),
    now: () => Date.now(),
    send: (packet) => host.send(packet),
    fail: (reasonCode, reason, statement) => host.fail(reasonCode, reason, statement),
    problem: (reason) => host.problem(reason),
  };
}

export function connectContext(
  host: ContextHost,
  actions: {
    setVersion(version: ProtocolLevel): void;
    refuse(code: number | undefined, reason?: string): void;
    accept(decision: ConnectDecision): void;
  },
): ConnectContext {
  const { core } = host;
  const base = packetContext(host);
  return {
    ...base,
    // CONNECT sets the version while it is handled: read it live.
    get version() {
      return host.version;
    },
    setVersion: (version) => actions.setVersion(version),
    refuse: (code, reason) => actions.refuse(code, reason),
    accept: (decision) => actions.accept(decision),
    needsAuthentication: core.hooks.hasAuthenticate,
    authenticate: (request) => core.hooks.authenticate(request),
    atConnectionLimit: () => core.connectedCount() >= core.options.maxConnections,
    newClientId: () => core.newClientId(),
  };
}

export function sessionContexts(
  host: ContextHost,
  session: Session,
  client: ClientIdentity,
  connection: {
    topicAliases: Map<number, string>;
    connectSessionExpiry: number;
    disconnect(keepWill: boolean): void;
  },
): SessionContexts {
  const { core } = host;
  const sessionBase = { ...packetContext(host), session, client };
  const ack: AckContext = { ...sessionBase, drain: () => session.drain(Date.now()) };
  const publish: PublishContext = {
    ...sessionBase,
    topicAliases: connection.topicAliases,
    authorizePublish: (topic) => core.hooks.authorizePublish(client, topic),
    publish: (message) => core.publish(message),
  };
  const subscribe: SubscribeContext = {
    ...sessionBase,
    router: core.router,
    retained: core.retained,
    authorizeSubscribe: (filter) => core.hooks.authorizeSubscribe(client, filter),
    deliverRetained: (message, qos, subscriptionId) => {
      // [MQTT-3.3.1-8] retained messages sent for a new subscription keep RETAIN=1.
      const retain = !host.has('retain-flag-cleared-on-delivery');
      const subscriptionIds = subscriptionId === undefined ? [] : [subscriptionId];
      session.deliver({ message, qos, retain, subscriptionIds }, Date.now());
    },
    subscriptionsChanged: () => {
      core.stats.subscriptions = core.router.size;
    },
  };
  const disconnect: DisconnectContext = {
    ...sessionBase,
    connectSessionExpiry: connection.connectSessionExpiry,
    disconnect: (keepWill) => connection.disconnect(keepWill),
  };
  return { publish, ack, subscribe, disconnect };
}
