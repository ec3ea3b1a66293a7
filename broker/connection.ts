// One client connection: frames and decodes inbound bytes, dispatches each packet to its handler
// (one file per packet type), writes outbound packets, and applies flow control towards the client.
import type { Duplex } from 'node:stream';
import { encode } from '../wire/index.js';
import type { MqttDecodeError } from '../wire/index.js';
import type { Packet, Properties, ProtocolLevel } from '../wire/types.js';
import { peekConnect } from './framing.js';
import { InboundPipeline } from './inbound.js';
import { PublishEncoder } from './outbound.js';
import { handleAuth } from './handlers/auth.js';
import { handleConnect } from './handlers/connect.js';
import type { ConnectDecision } from './handlers/context.js';
import { connectContext, sessionContexts } from './contexts.js';
import type { SessionContexts } from './contexts.js';
import { handleDisconnect } from './handlers/disconnect.js';
import { handlePingreq } from './handlers/pingreq.js';
import { handlePuback } from './handlers/puback.js';
import { handlePubcomp } from './handlers/pubcomp.js';
import { handlePublish } from './handlers/publish.js';
import { handlePubrec } from './handlers/pubrec.js';
import { handlePubrel } from './handlers/pubrel.js';
import { handleSubscribe } from './handlers/subscribe.js';
import { handleUnsubscribe } from './handlers/unsubscribe.js';
import type { Hooks } from './hooks.js';
import { Watchdog } from './keepalive.js';
import type { MutationName } from './mutations.js';
import type { ResolvedBrokerOptions } from './options.js';
import type { RetainedStore } from './retained.js';
import type { Router } from './router/router.js';
import type { Message } from './session/message.js';
import type { OutboundPublish, OutboundSink, Session } from './session/session.js';
import type { BrokerStats } from './stats.js';

/** The broker services a connection uses. Implemented by Broker. */
export interface BrokerCore {
  readonly options: ResolvedBrokerOptions;
  readonly stats: BrokerStats;
  readonly hooks: Hooks;
  readonly router: Router;
  readonly retained: RetainedStore;
  has(mutation: MutationName): boolean;
  publish(message: Message): number;
  connectedCount(): number;
  newClientId(): string;
  /** Takeover, clean start, session creation [MQTT-3.1.2-4] [MQTT-3.1.4-2]. */
  openSession(
    clientId: string,
    cleanStart: boolean,
    owner: Connection,
  ): { session: Session; present: boolean };
  /** The connection attached to `session` ended; `will` is set when it must be published. */
  detachSession(session: Session, owner: Connection, will: ConnectDecision['will']): void;
  forget(connection: Connection): void;
}

type State = 'new' | 'connected' | 'closed';

/** Outbound bytes of one turn up to this size are joined into one Buffer; above, written as a writev. */
const COALESCE_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Reason codes a v5 CONNACK may carry for a refused CONNECT found malformed by the decoder. */
const CONNACK_ERROR_CODES = new Set([
  0x80, 0x81, 0x82, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c,
  0x9d, 0x9f,
]);

export class Connection implements OutboundSink {
  version: ProtocolLevel = 4;
  clientId = '';
  username: string | undefined;
  session: Session | undefined;
  readonly closed: Promise<void>;
  private state: State = 'new';
  private connackSent = false;
  private readonly inbound: InboundPipeline;
  private backlog: Packet[] = [];
  private busy = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private watchdog: Watchdog | undefined;
  private will: ConnectDecision['will'];
  private connectSessionExpiry = 0;
  private requestProblemInformation = true;
  private publishEncoder = new PublishEncoder(
    4,
    { topicAliasMaximum: 0, maximumPacketSize: Infinity },
    () => false,
  );
  private readonly inboundAliases = new Map<number, string>();
  /** Outbound bytes of this event-loop turn, not yet handed to the socket (see output()). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  /** canWrite() said no since the last flush. */
  private blocked = false;
  /** The client's v5 Maximum Packet Size (Infinity when absent or before CONNECT). */
  private clientMaxPacketSize = Number.POSITIVE_INFINITY;
  sendQuota: number;
  private contexts: SessionContexts | undefined;

  constructor(
    private readonly stream: Duplex,
    readonly core: BrokerCore,
    readonly info: { remoteAddress?: string | undefined; transport?: string | undefined },
  ) {
    const options = core.options;
    this.sendQuota = options.maxInflight;
    const isOpen = (): boolean => !this.isClosed();
    const agreedVersion = (): ProtocolLevel | undefined => (this.state === 'new' ? undefined : this.version);
    this.inbound = new InboundPipeline(options.maxPacketSize, options.mutations, {
      packet: (packet) => this.onPacket(packet),
      error: (error, bytes) => this.onDecodeError(error, bytes),
      get open() {
        return isOpen();
      },
      get version() {
        return agreedVersion();
      },
    });
    this.closed = new Promise((resolve) => stream.once('close', () => resolve()));
    stream.on('data', (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    stream.on('error', (error) => {
      this.log('debug', 'socket error', { error: String(error) });
      this.guard(() => this.terminate({}));
    });
    // The peer went away without DISCONNECT: an abnormal end (the will is published).
    stream.on('end', () => this.guard(() => this.terminate({})));
    stream.on('close', () => this.guard(() => this.terminate({})));
    stream.on('drain', () => this.guard(() => this.session?.drain(Date.now())));
    this.connectTimer = setTimeout(() => {
      if (this.state === 'new') {
        this.log('info', 'no CONNECT in time', { timeoutMs: options.connectTimeoutMs });
        this.guard(() => this.terminate({}));
      }
    }, options.connectTimeoutMs);
    this.connectTimer.unref();
  }

  // ---- inbound -------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.core.stats.bytesReceived += chunk.length;
    this.watchdog?.touch();
    this.inbound.push(chunk);
  }

  private onPacket(packet: Packet): void {
    if (this.busy) this.backlog.push(packet);
    else this.dispatch(packet);
  }

  private onDecodeError(error: MqttDecodeError, frame: Buffer): void {
    this.log('info', 'malformed packet', {
      code: error.code,
      statement: error.statement,
      error: error.message,
    });
    if (this.state !== 'new') {
      // After CONNACK: v5 DISCONNECT with the decoder's reason code, then close [MQTT-4.13.1-1].
      this.terminate({ reasonCode: error.reasonCode, reason: error.message });
      return;
    }
    if (error.code === 'UNSUPPORTED_PROTOCOL_VERSION') {
      // [MQTT-3.1.2-2] CONNACK 0x01 (3.1.1) / 0x84 (5.0), then close.
      const level = error.protocolLevel ?? 4;
      this.version = level >= 5 ? 5 : 4;
      this.refuse(level >= 5 ? 0x84 : 0x01);
      return;
    }
    const connect = (frame[0] ?? 0) >> 4 === 1 ? peekConnect(frame) : undefined;
    if (connect?.level === 5 && connect.name === 'MQTT' && error.code !== 'INVALID_PROTOCOL_NAME') {
      // v5: a refused CONNECT may be answered with a CONNACK carrying the reason code.
      this.version = 5;
      // No reason string: the client's Maximum Packet Size and Request Problem Information are
      // unknown when its CONNECT could not be read [MQTT-3.2.2-19].
      this.refuse(CONNACK_ERROR_CODES.has(error.reasonCode) ? error.reasonCode : 0x80);
      return;
    }
    // 3.1.1 [MQTT-3.1.4-1]: close without CONNACK.
    this.terminate({});
  }

  private dispatch(packet: Packet): void {
    if (this.state === 'closed') return; // [MQTT-3.1.4-5] nothing is processed after a refused CONNECT
    if (packet.type === 'publish') this.core.stats.messagesReceived++;
    try {
      const result = this.route(packet);
      if (result instanceof Promise) {
        this.busy = true;
        this.stream.pause();
        result.then(
          () => {
            this.busy = false;
            this.stream.resume();
            this.drainBacklog();
          },
          (error: unknown) => this.crash(error),
        );
      }
    } catch (error) {
      this.crash(error);
    }
  }

  private drainBacklog(): void {
    while (!this.busy && this.backlog.length > 0 && this.state !== 'closed') {
      const packet = this.backlog.shift();
      if (packet !== undefined) this.dispatch(packet);
    }
  }

  /** Runs event-driven work so that an exception closes this connection instead of the process. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.crash(error);
    }
  }

  /** Never crash the broker: a handler exception closes this connection only, and is logged. */
  private crash(error: unknown): void {
    this.log('error', 'handler failed', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    try {
      this.terminate({ reasonCode: 0x80, reason: 'internal error' });
    } catch (again) {
      this.log('error', 'close after failure failed', { error: String(again) });
      this.stream.destroy();
    }
  }

  private route(packet: Packet): void | Promise<void> {
    if (packet.type === 'connect') {
      if (this.state !== 'new') {
        if (this.has('accept-second-connect')) return;
        return this.fail(0x82, 'second CONNECT', 'MQTT-3.1.0-2');
      }
      return handleConnect(
        connectContext(this, {
          setVersion: (version) => {
            this.version = version;
          },
          refuse: (code, reason) => this.refuse(code, reason),
          accept: (decision) => this.accept(decision),
        }),
        packet,
      );
    }
    const contexts = this.contexts;
    if (contexts === undefined) return; // not connected (yet): ignore
    switch (packet.type) {
      case 'publish':
        return handlePublish(contexts.publish, packet);
      case 'puback':
        return handlePuback(contexts.ack, packet);
      case 'pubrec':
        return handlePubrec(contexts.ack, packet);
      case 'pubrel':
        return handlePubrel(contexts.ack, packet);
      case 'pubcomp':
        return handlePubcomp(contexts.ack, packet);
      case 'subscribe':
        return handleSubscribe(contexts.subscribe, packet);
      case 'unsubscribe':
        return handleUnsubscribe(contexts.subscribe, packet);
      case 'pingreq':
        return handlePingreq(contexts.ack, packet);
      case 'disconnect':
        return handleDisconnect(contexts.disconnect, packet);
      case 'auth':
        return handleAuth(contexts.ack, packet);
      case 'connack':
      case 'suback':
      case 'unsuback':
      case 'pingresp':
        return this.fail(0x82, `${packet.type} sent by a client`);
      default:
        return assertNever(packet);
    }
  }

  // ---- outbound ------------------------------------------------------------------------------

  send(packet: Packet): void {
    if (this.state === 'closed') return;
    this.write(packet);
  }

  private write(packet: Packet): void {
    let bytes = encode(packet, this.version);
    if (
      bytes.length > this.clientMaxPacketSize &&
      'properties' in packet &&
      packet.properties !== undefined
    ) {
      // [MQTT-3.2.2-19] [MQTT-3.2.2-20] [MQTT-3.9.2-2] [MQTT-3.14.2-3] ... reason string and user
      // properties are left out rather than exceed the client's Maximum Packet Size.
      const { reasonString: _reason, userProperties: _user, ...properties } = packet.properties;
      bytes = encode({ ...packet, properties } as Packet, this.version);
    }
    this.core.stats.bytesSent += bytes.length;
    this.output(bytes);
  }

  /**
   * Outbound bytes are collected for the rest of the event-loop turn and leave in one socket write
   * (a fan-out burst of hundreds of PUBLISH packets costs one syscall, not one each). Order is kept:
   * every outbound packet goes through this queue.
   */
  private output(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushTick);
    }
  }

  private readonly flushTick = (): void => this.guard(() => this.flush());

  /** Hands the collected bytes to the socket: one Buffer when small, otherwise a corked writev. */
  private flush(): void {
    this.flushScheduled = false;
    const chunks = this.pending;
    const size = this.pendingBytes;
    if (chunks.length === 0) chunks.push(EMPTY); // only to be told when the socket's own buffer is out
    this.pending = [];
    this.pendingBytes = 0;
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) return;
    if (size === 0 && !this.blocked) return;
    // Held back by the write bound since the last flush: resume the session's queue once these
    // bytes reached the kernel (the socket emits 'drain' only past its own high-water mark).
    const resume = this.blocked ? this.resumeAfterFlush : undefined;
    this.blocked = false;
    if (chunks.length === 1) {
      stream.write(chunks[0], resume);
    } else if (size <= COALESCE_LIMIT) {
      stream.write(Buffer.concat(chunks, size), resume);
    } else {
      // Large payloads: no copy, the socket gets every chunk in one writev.
      stream.cork();
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) stream.write(chunks[i]);
      stream.write(chunks[last], resume);
      stream.uncork();
    }
  }

  private readonly resumeAfterFlush = (): void =>
    this.guard(() => {
      if (this.state !== 'closed') this.session?.drain(Date.now());
    });

  canWrite(): boolean {
    if (this.state === 'closed') return false;
    const ok = this.stream.writableLength + this.pendingBytes < this.core.options.maxWriteBuffer;
    if (!ok && !this.blocked) {
      this.blocked = true;
      // a flush will come, even with nothing of ours pending, to resume the session afterwards
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        process.nextTick(this.flushTick);
      }
    }
    return ok;
  }

  writePubrel(packetId: number): void {
    this.send({ type: 'pubrel', packetId });
  }

  writePublish(publish: OutboundPublish): boolean {
    if (this.state === 'closed') return false;
    const bytes = this.publishEncoder.encode(publish, Date.now());
    if (bytes === undefined) {
      this.core.stats.messagesDropped++;
      return false;
    }
    this.core.stats.bytesSent += bytes.length;
    this.core.stats.messagesSent++;
    this.output(bytes);
    return true;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Protocol error found by a handler: v5 DISCONNECT with the reason code, then close. */
  fail(reasonCode: number, reason: string, statement?: string): void {
    this.log('info', 'protocol error', { reasonCode, reason, statement });
    this.terminate({ reasonCode, reason });
  }

  /** Refuses the CONNECT: CONNACK with the code (unless undefined), then close [MQTT-3.2.2-5] [MQTT-3.2.2-7]. */
  refuse(code: number | undefined, reason?: string): void {
    if (code !== undefined && this.state === 'new') {
      const properties = this.version === 5 && reason !== undefined ? this.problem(reason) : undefined;
      this.write({
        type: 'connack',
        sessionPresent: false,
        reasonCode: code,
        ...(properties ? { properties } : {}),
      });
    }
    this.terminate({});
  }

  /** Session taken over by a new connection with the same client id (v5 DISCONNECT 0x8E). */
  takeover(): void {
    this.terminate({ reasonCode: 0x8e, reason: 'session taken over' });
  }

  /**
   * Ends the connection. `reasonCode`: v5 DISCONNECT sent first (only after CONNACK [MQTT-3.14.0-1]).
   * `graceful`: the client sent DISCONNECT, so the will is discarded unless `keepWill`.
   */
  terminate(options: { reasonCode?: number; reason?: string; graceful?: boolean }): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.watchdog?.stop();
    this.backlog = [];
    this.inbound.clear();
    if (
      options.reasonCode !== undefined &&
      this.version === 5 &&
      this.connackSent &&
      !this.stream.destroyed
    ) {
      const properties = options.reason === undefined ? undefined : this.problem(options.reason);
      try {
        this.write({
          type: 'disconnect',
          reasonCode: options.reasonCode,
          ...(properties ? { properties } : {}),
        });
      } catch (error) {
        this.log('error', 'could not write DISCONNECT', { error: String(error) });
      }
    }
    this.flush(); // what was written before the close leaves first
    this.stream.end();
    const killer = setTimeout(() => this.stream.destroy(), 2000);
    killer.unref();
    this.stream.once('close', () => clearTimeout(killer));
    if (wasConnected && this.session !== undefined) {
      const keepWill = options.graceful !== true || this.has('will-after-disconnect');
      this.core.detachSession(this.session, this, keepWill ? this.will : undefined);
    }
    this.will = undefined;
    this.contexts = undefined;
    this.core.forget(this);
  }

  /** Broker shutdown: v5 DISCONNECT 0x8B Server shutting down, then close. */
  shutdown(): Promise<void> {
    this.terminate({ reasonCode: 0x8b, reason: 'server shutting down' });
    return this.closed;
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  // ---- contexts ------------------------------------------------------------------------------

  has(mutation: MutationName): boolean {
    return this.core.options.mutations.has(mutation);
  }

  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields: Record<string, unknown> = {},
  ): void {
    this.core.options.log(level, message, {
      clientId: this.clientId,
      remoteAddress: this.info.remoteAddress,
      ...fields,
    });
  }

  /** Reason string property, unless the client asked for no problem information [MQTT-3.1.2-29]. */
  problem(reason: string): Properties | undefined {
    return this.requestProblemInformation ? { reasonString: reason } : undefined;
  }

  private accept(decision: ConnectDecision): void {
    if (this.state !== 'new') return;
    this.clientId = decision.clientId;
    this.username = decision.username;
    this.connectSessionExpiry = decision.sessionExpiry;
    this.clientMaxPacketSize = decision.clientMaximumPacketSize;
    this.publishEncoder = new PublishEncoder(
      this.version,
      {
        topicAliasMaximum: decision.clientTopicAliasMaximum,
        maximumPacketSize: decision.clientMaximumPacketSize,
      },
      (mutation) => this.has(mutation),
    );
    this.requestProblemInformation = decision.requestProblemInformation;
    this.sendQuota = this.has('ignore-receive-maximum')
      ? this.core.options.maxInflight
      : Math.min(decision.clientReceiveMaximum, this.core.options.maxInflight);
    const cleanStart = decision.cleanStart && !this.has('clean-start-keeps-session');
    const { session, present } = this.core.openSession(decision.clientId, cleanStart, this);
    if (this.state !== 'new') return; // closed while taking over (should not happen)
    session.expiryInterval = decision.sessionExpiry;
    this.session = session;
    this.will = decision.will;
    this.state = 'connected';
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    const client =
      this.username === undefined
        ? { clientId: this.clientId }
        : { clientId: this.clientId, username: this.username };
    this.contexts = sessionContexts(this, session, client, {
      topicAliases: this.inboundAliases,
      connectSessionExpiry: this.connectSessionExpiry,
      disconnect: (keepWill) => this.terminate({ graceful: !keepWill }),
    });

    const properties = decision.connackProperties;
    // [MQTT-3.2.2-2] [MQTT-3.2.2-3] Session Present: 1 only when a stored session is resumed.
    // MQTT 3.1 has no Session Present flag (the byte is reserved).
    const sessionPresent = present && this.version !== 3 && !this.has('session-present-always-false');
    this.write({ type: 'connack', sessionPresent, reasonCode: 0, ...(properties ? { properties } : {}) });
    this.connackSent = true;
    const serverKeepAlive = this.version === 5 ? this.core.options.serverKeepAlive : undefined;
    const keepAlive = serverKeepAlive ?? decision.keepAlive;
    if (!this.has('no-keepalive-timeout')) {
      this.watchdog = Watchdog.forKeepAlive(keepAlive, () =>
        this.guard(() => {
          // 3.1.1 [MQTT-3.1.2-24] / 5.0 [MQTT-3.1.2-22]: silent for 1.5x keep-alive; v5 DISCONNECT 0x8D.
          this.log('info', 'keep-alive timeout', { keepAlive });
          this.terminate({ reasonCode: 0x8d, reason: 'keep alive timeout' });
        }),
      );
      this.watchdog?.start();
    }
    this.core.stats.clientsConnected++;
    this.core.stats.clientsTotal++;
    session.sink = this;
    // [MQTT-4.4.0-1] resume: resend unacknowledged messages, then what was queued while offline.
    session.resend();
    session.drain(Date.now());
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected packet ${JSON.stringify(value)}`);
}
