// One client connection: frames and decodes inbound bytes, hands CONNECT to its handler and every
// later packet to the session dispatch (one handler file per packet type), writes outbound packets,
// applies flow control both ways: towards the client (write bound, send quota) and from it (a
// publisher whose subscribers are over their bound takes no more PUBLISH packets for a while).
import type { Duplex } from 'node:stream';
import { ConnectReturnCode311, encode, ReasonCode } from '../wire/index.js';
import type { MqttDecodeError } from '../wire/index.js';
import type { AuthPacket, Packet, Properties, ProtocolLevel } from '../wire/types.js';
import { connectContext, SessionServices, type SessionHost } from './contexts.js';
import type { BrokerCore } from './core.js';
import { answerToMalformed } from './malformed.js';
import { handleConnect } from './handlers/connect.js';
import type { ConnectDecision } from './handlers/context.js';
import { dispatchSessionPacket } from './handlers/dispatch.js';
import { InboundGate, type GateOwner } from './inbound-gate.js';
import { InboundPipeline, type InboundSink } from './inbound.js';
import { KeepAliveMonitor, type Watched } from './keepalive.js';
import type { MutationName } from './mutations.js';
import type { ClientIdentity, LogLevel } from './options.js';
import { PublishEncoder } from './outbound.js';
import { SocketOutput, type OutputOwner } from './output.js';
import { listen, type StreamListener } from './stream-events.js';
import type { OutboundPublish, OutboundSink, Session } from './session/session.js';

type State = 'new' | 'connected' | 'closed';

const NO_IDENTITY: ClientIdentity = Object.freeze({ clientId: '' });

export class Connection
  implements OutboundSink, SessionHost, InboundSink, Watched, OutputOwner, GateOwner, StreamListener
{
  version: ProtocolLevel = 4;
  clientId = '';
  username: string | undefined;
  /** Client id and user name once CONNECT was accepted (shared with the session it creates). */
  identity: ClientIdentity = NO_IDENTITY;
  session: Session | undefined;
  sendQuota: number;
  lastActivity = Date.now();
  silenceLimitMs: number;
  connectSessionExpiry = 0;
  /** The enhanced authentication method of the CONNECT (v5), if any. */
  authenticationMethod: string | undefined = undefined;
  /** During an enhanced authentication: where the next AUTH goes. */
  private authWaiter: ((packet: AuthPacket) => void | Promise<void>) | undefined = undefined;
  private state: State = 'new';
  /** False while the gate stopped reading the socket (asynchronous CONNECT, flow control). */
  private reading = true;
  private connackSent = false;
  private readonly inbound: InboundPipeline;
  private readonly output: SocketOutput;
  /** Packets wait here during an asynchronous CONNECT, and while flow control holds this publisher. */
  readonly gate: InboundGate;
  private will: ConnectDecision['will'];
  private requestProblemInformation = true;
  private publishEncoder: PublishEncoder | undefined;
  private aliases: Map<number, string> | undefined;
  /** The client's v5 Maximum Packet Size (Infinity when absent or before CONNECT). */
  private clientMaxPacketSize = Number.POSITIVE_INFINITY;
  private services: SessionServices | undefined;

  constructor(
    private readonly stream: Duplex,
    readonly core: BrokerCore,
    readonly info: { remoteAddress?: string | undefined; transport?: string | undefined },
  ) {
    const options = core.options;
    this.sendQuota = options.maxInflight;
    this.silenceLimitMs = options.connectTimeoutMs;
    this.inbound = new InboundPipeline(options.maxPacketSize, options.mutations, this);
    this.output = new SocketOutput(stream, options.maxWriteBuffer, this);
    this.gate = new InboundGate(this);
    listen(stream, this);
    core.keepAlive.watch(this); // the CONNECT timeout until CONNACK, then the keep-alive
  }

  get remoteAddress(): string | undefined {
    return this.info.remoteAddress;
  }

  get accepting(): boolean {
    return this.state !== 'closed';
  }

  get agreedVersion(): ProtocolLevel | undefined {
    return this.state === 'new' ? undefined : this.version;
  }

  // ---- inbound -------------------------------------------------------------------------------

  /** Stream events (see stream-events.ts); 'end' also stands for 'close'. */
  streamEvent(event: 'data' | 'error' | 'end', payload?: Buffer | Error): void {
    if (event === 'data') {
      if (payload instanceof Buffer) this.guard(() => this.onData(payload));
      return;
    }
    if (event === 'error') this.log('debug', 'socket error', { error: String(payload) });
    this.guard(() => this.terminate({}));
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.core.stats.bytesReceived += chunk.length;
    // Before CONNACK the limit runs from the connection's start: trickling bytes buys no time.
    if (this.state === 'connected') this.lastActivity = Date.now();
    this.inbound.push(chunk);
  }

  onPacket(packet: Packet): void {
    this.gate.offer(packet);
  }

  onDecodeError(error: MqttDecodeError, frame: Buffer): void {
    this.log('info', 'malformed packet', {
      code: error.code,
      statement: error.statement,
      error: error.message,
    });
    const answer = answerToMalformed(error, frame, this.state !== 'new');
    if (answer.kind === 'disconnect') {
      // After CONNACK: v5 DISCONNECT with the decoder's reason code, then close [MQTT-4.13.1-1].
      this.terminate({ reasonCode: answer.reasonCode, reason: error.message });
    } else if (answer.kind === 'connack') {
      this.version = answer.version;
      this.refuse(answer.code);
    } else {
      this.terminate({});
    }
  }

  /** GateOwner: handles one packet now; a Promise while an asynchronous CONNECT completes. */
  handle(packet: Packet): void | Promise<void> {
    if (this.state === 'closed') return; // [MQTT-3.1.4-5] nothing is processed after a refused CONNECT
    if (packet.type === 'publish') this.core.stats.messagesReceived++;
    try {
      return this.route(packet);
    } catch (error) {
      this.crash(error);
    }
  }

  setReading(reading: boolean): void {
    if (this.state === 'closed') return;
    this.reading = reading;
    if (reading) this.stream.resume();
    else this.stream.pause();
  }

  heldChanged(delta: 1 | -1): void {
    this.core.stats.publishersHeld += delta;
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
  crash(error: unknown): void {
    this.log('error', 'handler failed', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    try {
      this.terminate({ reasonCode: ReasonCode.UnspecifiedError, reason: 'internal error' });
    } catch (again) {
      this.log('error', 'close after failure failed', { error: String(again) });
      this.stream.destroy();
    }
  }

  private route(packet: Packet): void | Promise<void> {
    if (packet.type === 'connect') {
      if (this.state !== 'new') {
        if (this.has('accept-second-connect')) return;
        return this.fail(ReasonCode.ProtocolError, 'second CONNECT', 'MQTT-3.1.0-2');
      }
      if (packet.protocolLevel === 5) {
        // AUTH packets may precede the CONNACK: the client's limits hold for them already.
        this.clientMaxPacketSize = packet.properties?.maximumPacketSize ?? Number.POSITIVE_INFINITY;
        this.requestProblemInformation = packet.properties?.requestProblemInformation !== 0;
      }
      return handleConnect(
        connectContext(this, {
          setVersion: (version) => {
            this.version = version;
          },
          refuse: (code, reason) => this.refuse(code, reason),
          accept: (decision) => this.accept(decision),
          awaitAuth: (next) => {
            this.authWaiter = next;
          },
        }),
        packet,
      );
    }
    if (this.services === undefined) return this.duringAuthentication(packet);
    return dispatchSessionPacket(this.services, packet);
  }

  /** Before CONNACK: the AUTH an enhanced authentication waits for; anything else is ignored or ends it. */
  private duringAuthentication(packet: Exclude<Packet, { type: 'connect' }>): void | Promise<void> {
    const waiter = this.authWaiter;
    if (waiter === undefined) return; // not connected (yet): ignore
    this.authWaiter = undefined;
    if (packet.type === 'auth') return waiter(packet);
    if (packet.type === 'disconnect') return this.terminate({});
    // A client that named an Authentication Method sends only AUTH or DISCONNECT until CONNACK [MQTT-3.1.2-30].
    return this.fail(ReasonCode.ProtocolError, `${packet.type} during enhanced authentication`);
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
    this.output.push(bytes);
  }

  canWrite(): boolean {
    return this.state !== 'closed' && this.output.canWrite();
  }

  /** The socket caught up with what was written before the write bound was hit. */
  onWritable(): void {
    this.guard(() => {
      if (this.state !== 'closed') this.session?.drain(Date.now());
    });
  }

  writePubrel(packetId: number): void {
    this.send({ type: 'pubrel', packetId });
  }

  writePublish(publish: OutboundPublish): boolean {
    if (this.state === 'closed' || this.publishEncoder === undefined) return false;
    const bytes = this.publishEncoder.encode(publish, Date.now());
    if (bytes === undefined) {
      this.core.stats.messagesDropped++;
      return false;
    }
    this.core.stats.bytesSent += bytes.length;
    this.core.stats.messagesSent++;
    this.output.push(bytes);
    return true;
  }

  /** Our session held its publishers and made no progress for the stall timeout. */
  stalled(): void {
    this.guard(() => {
      this.log('warn', 'subscriber made no progress while publishers waited: disconnected', {
        queued: this.session?.queuedCount,
        timeoutMs: this.core.options.stalledSubscriberTimeoutMs,
      });
      this.core.stats.slowSubscribersDisconnected++;
      this.terminate({ reasonCode: ReasonCode.QuotaExceeded, reason: 'subscriber too slow' });
    });
  }

  inboundAliases(): Map<number, string> {
    return (this.aliases ??= new Map<number, string>());
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Keep-alive (or CONNECT timeout) passed without a byte from the client. */
  silent(): boolean {
    if (this.state === 'connected' && !this.reading) {
      // We stopped reading (flow control): the client's bytes wait unread, it is not silent.
      this.lastActivity = Date.now();
      return false;
    }
    this.guard(() => {
      if (this.state === 'new') {
        this.log('info', 'no CONNECT in time', { timeoutMs: this.silenceLimitMs });
        this.terminate({});
        return;
      }
      // 3.1.1 [MQTT-3.1.2-24] / 5.0 [MQTT-3.1.2-22]: silent for 1.5x keep-alive; v5 DISCONNECT 0x8D.
      this.log('info', 'keep-alive timeout', { silenceLimitMs: this.silenceLimitMs });
      this.terminate({ reasonCode: ReasonCode.KeepAliveTimeout, reason: 'keep alive timeout' });
    });
    return true;
  }

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
    this.terminate({ reasonCode: ReasonCode.SessionTakenOver, reason: 'session taken over' });
  }

  disconnectByClient(keepWill: boolean): void {
    this.terminate({ graceful: !keepWill });
  }

  /**
   * Ends the connection. `reasonCode`: v5 DISCONNECT sent first (only after CONNACK [MQTT-3.14.0-1]).
   * `graceful`: the client sent DISCONNECT, so the will is discarded unless `keepWill`.
   */
  terminate(options: { reasonCode?: number; reason?: string; graceful?: boolean }): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.core.keepAlive.unwatch(this);
    this.inbound.clear();
    this.gate.close();
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
    this.output.flush(); // what was written before the close leaves first
    this.stream.end();
    const killer = setTimeout(() => this.stream.destroy(), 2000);
    killer.unref();
    this.stream.once('close', () => clearTimeout(killer));
    if (wasConnected && this.session !== undefined) {
      const keepWill = options.graceful !== true || this.has('will-after-disconnect');
      this.core.detachSession(this.session, this, keepWill ? this.will : undefined);
    }
    this.will = undefined;
    this.services = undefined;
    this.core.forget(this);
  }

  /** Broker shutdown: v5 DISCONNECT 0x8B Server shutting down, then close. */
  shutdown(): Promise<void> {
    const closed = this.stream.closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.stream.once('close', () => resolve()));
    this.terminate({ reasonCode: ReasonCode.ServerShuttingDown, reason: 'server shutting down' });
    return closed;
  }

  // ---- contexts ------------------------------------------------------------------------------

  has(mutation: MutationName): boolean {
    return this.core.options.mutations.has(mutation);
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
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
    this.identity =
      decision.username === undefined
        ? { clientId: decision.clientId }
        : { clientId: decision.clientId, username: decision.username };
    this.connectSessionExpiry = decision.sessionExpiry;
    this.authenticationMethod = decision.authenticationMethod;
    this.clientMaxPacketSize = decision.clientMaximumPacketSize;
    this.publishEncoder = new PublishEncoder(
      this.version,
      {
        topicAliasMaximum: decision.clientTopicAliasMaximum,
        maximumPacketSize: decision.clientMaximumPacketSize,
      },
      this.core.options.mutations,
    );
    this.requestProblemInformation = decision.requestProblemInformation;
    this.sendQuota = this.has('ignore-receive-maximum')
      ? this.core.options.maxInflight
      : Math.min(decision.clientReceiveMaximum, this.core.options.maxInflight);
    const cleanStart = decision.cleanStart && !this.has('clean-start-keeps-session');
    const opened = this.core.openSession(decision.clientId, cleanStart, this);
    if (opened === undefined) {
      // The client id's session belongs to another identity: neither resumed nor taken over.
      this.log('info', 'session of another identity: CONNECT refused', { username: this.username });
      const code = this.version === 5 ? ReasonCode.NotAuthorized : ConnectReturnCode311.NotAuthorized;
      return this.refuse(code, 'client identifier in use by another identity');
    }
    if (this.state !== 'new') return; // closed while taking over (should not happen)
    this.startSession(opened.session, opened.present, decision);
  }

  /** CONNACK, keep-alive, then the session's unacknowledged and queued messages. */
  private startSession(session: Session, present: boolean, decision: ConnectDecision): void {
    session.expiryInterval = decision.sessionExpiry;
    this.session = session;
    this.will = decision.will;
    this.state = 'connected';
    // the session's owner is this identity (or an equal one that created the session)
    this.services = new SessionServices(this, session, session.owner);

    const properties = decision.connackProperties;
    // [MQTT-3.2.2-2] [MQTT-3.2.2-3] Session Present: 1 only when a stored session is resumed.
    // MQTT 3.1 has no Session Present flag (the byte is reserved).
    const sessionPresent = present && this.version !== 3 && !this.has('session-present-always-false');
    this.write({
      type: 'connack',
      sessionPresent,
      reasonCode: ReasonCode.Success,
      ...(properties ? { properties } : {}),
    });
    this.connackSent = true;
    const serverKeepAlive = this.version === 5 ? this.core.options.serverKeepAlive : undefined;
    const limit = this.has('no-keepalive-timeout')
      ? 0
      : KeepAliveMonitor.limitFor(serverKeepAlive ?? decision.keepAlive);
    this.silenceLimitMs = limit;
    this.lastActivity = Date.now();
    if (limit === 0) this.core.keepAlive.unwatch(this);
    this.core.stats.clientsConnected++;
    this.core.stats.clientsTotal++;
    session.attach(this);
    // [MQTT-4.4.0-1] resume: resend unacknowledged messages, then what was queued while offline.
    session.resend();
    session.drain(Date.now());
  }
}
