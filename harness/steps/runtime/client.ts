// One scenario client: a raw connection, its own framing and strict decoding, and an inbox of
// everything the broker sent (packets, undecodable bytes, the close) that steps consume in order.
import {
  encode,
  MqttDecodeError,
  PacketDecoder,
  hex,
  type EncodeOverrides,
  type Packet,
  type Properties,
  type ProtocolLevel,
} from '../../../wire/index.js';
import type { Endpoint } from '../../targets/index.js';
import {
  openConnection,
  type CloseInfo,
  type Connection,
  type WebSocketControl,
} from '../../transport/index.js';
import type { MqttVersion } from '../../vocabulary.js';

export type InboxEvent =
  | { seq: number; atMs: number; kind: 'packet'; packet: Packet; raw: Buffer; note?: string }
  | { seq: number; atMs: number; kind: 'garbage'; raw: Buffer; error: string }
  | { seq: number; atMs: number; kind: 'closed'; close: CloseInfo };

/** Sees every packet a client sends, every event it receives and every event a step consumes (transcripts). */
export interface ClientObserver {
  sent(client: ScenarioClient, bytes: Buffer, packet: Packet | undefined): void;
  received(client: ScenarioClient, event: InboxEvent): void;
  consumed(client: ScenarioClient, event: InboxEvent): void;
}

export interface ClientOptions {
  name: string;
  clientId: string;
  version: MqttVersion;
  autoAck: boolean;
  /** Milliseconds since scenario start, for event times. */
  clock: () => number;
  observer?: ClientObserver;
}

const MAX_LOG = 200;

export class ScenarioClient {
  readonly name: string;
  clientId: string;
  readonly version: MqttVersion;
  readonly autoAck: boolean;
  private connection: Connection | undefined;
  /** Events not consumed by a step yet, oldest first. */
  private inbox: InboxEvent[] = [];
  /** Every event received, for evidence (bounded). */
  readonly log: InboxEvent[] = [];
  /** The Authentication Data of the last CONNECT or AUTH sent (the `auth` step continues from it). */
  sentAuthenticationData: Buffer | undefined;
  /** The properties of the last CONNACK received (what the broker announced), for `when`. */
  connack: { properties: Properties } | undefined;
  private seq = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private decoder: PacketDecoder;
  private waiters = new Set<() => void>();
  private nextPacketId = 1;
  private readonly clock: () => number;
  private readonly observer: ClientObserver | undefined;
  /** Set once the stream cannot be framed any more (bad remaining length). */
  private broken = false;

  constructor(options: ClientOptions) {
    this.name = options.name;
    this.clientId = options.clientId;
    this.version = options.version;
    this.autoAck = options.autoAck;
    this.clock = options.clock;
    this.observer = options.observer;
    this.decoder = this.newDecoder();
  }

  get level(): ProtocolLevel {
    return this.version === '5.0' ? 5 : 4;
  }

  /** The WebSocket control of the open connection, if it is one. */
  get websocket(): WebSocketControl | undefined {
    return this.connection?.websocket;
  }

  get isOpen(): boolean {
    return this.connection !== undefined && !this.connection.closed;
  }

  /** Open a fresh connection (closing a previous one); the inbox is cleared. */
  async open(endpoint: Endpoint, timeoutMs: number, signal: AbortSignal): Promise<void> {
    this.connection?.destroy();
    this.inbox = [];
    this.buffer = Buffer.alloc(0);
    this.broken = false;
    this.decoder = this.newDecoder();
    const connection = await openConnection(endpoint, { timeoutMs, signal });
    this.connection = connection;
    connection.onData((chunk) => {
      if (this.connection === connection) this.receive(chunk);
    });
    connection.onClose((close) => {
      if (this.connection === connection && close.kind !== 'local') this.push({ kind: 'closed', close });
    });
  }

  allocatePacketId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = this.nextPacketId >= 65535 ? 1 : this.nextPacketId + 1;
    return id;
  }

  send(packet: Packet, overrides?: EncodeOverrides, level: ProtocolLevel = this.level): Buffer {
    const bytes = encode(packet, level, overrides);
    this.write(bytes, packet);
    return bytes;
  }

  /** The bytes of a packet as this client would send it (for steps that frame them themselves). */
  encode(packet: Packet): Buffer {
    return encode(packet, this.level);
  }

  writeRaw(bytes: Buffer): void {
    this.write(bytes, undefined);
  }

  private write(bytes: Buffer, packet: Packet | undefined): void {
    if (!this.connection || this.connection.closed) throw new Error(`client '${this.name}' is not connected`);
    const authData =
      packet?.type === 'connect' || packet?.type === 'auth'
        ? packet.properties?.authenticationData
        : undefined;
    if (authData !== undefined) this.sentAuthenticationData = authData;
    this.connection.write(bytes);
    this.observer?.sent(this, bytes, packet);
  }

  /** Graceful close (FIN). */
  end(): void {
    this.connection?.end();
  }

  /** Abrupt close. */
  destroy(): void {
    this.connection?.destroy();
  }

  /** Unconsumed events, oldest first (read-only view). */
  pending(): readonly InboxEvent[] {
    return this.inbox;
  }

  /** Remove an event from the inbox (a step consumed it). */
  consume(event: InboxEvent): void {
    const index = this.inbox.indexOf(event);
    if (index < 0) return;
    this.inbox.splice(index, 1);
    this.observer?.consumed(this, event);
  }

  /** Call `listener` whenever a new event arrives; returns the unsubscribe function. */
  watch(listener: () => void): () => void {
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }

  private newDecoder(): PacketDecoder {
    return new PacketDecoder({ role: 'client', version: this.level, copyBinary: true });
  }

  private push(event: Omit<InboxEvent, 'seq' | 'atMs'> & Partial<InboxEvent>): void {
    const full = { ...event, seq: this.seq++, atMs: this.clock() } as InboxEvent;
    if (full.kind === 'packet' && full.packet.type === 'connack') {
      this.connack = { properties: full.packet.properties ?? {} };
    }
    this.inbox.push(full);
    this.log.push(full);
    if (this.log.length > MAX_LOG) this.log.shift();
    this.observer?.received(this, full);
    for (const waiter of [...this.waiters]) waiter();
  }

  private receive(chunk: Buffer): void {
    if (this.broken) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length > 0) {
      const size = frameSize(this.buffer);
      if (size === 'invalid') {
        this.broken = true;
        this.push({
          kind: 'garbage',
          raw: this.buffer,
          error: 'malformed remaining length (more than 4 bytes)',
        });
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (size === undefined || size > this.buffer.length) return;
      const frame = this.buffer.subarray(0, size);
      this.buffer = this.buffer.subarray(size);
      this.decodeFrame(Buffer.from(frame));
    }
  }

  private decodeFrame(frame: Buffer): void {
    try {
      const [packet] = this.decoder.push(frame);
      if (!packet) throw new Error('frame did not decode to a packet');
      this.push({ kind: 'packet', packet, raw: frame });
      if (this.autoAck) this.acknowledge(packet);
    } catch (error) {
      this.decoder = this.newDecoder();
      // A CONNACK refusing an unknown protocol level may come in either version's layout: the
      // server cannot know which one the client reads. Decode it with the other version then.
      if (frame[0] === 0x20) {
        const other: ProtocolLevel = this.level === 5 ? 4 : 5;
        try {
          const [packet] = new PacketDecoder({ role: 'client', version: other }).push(frame);
          if (packet) {
            this.push({
              kind: 'packet',
              packet,
              raw: frame,
              note: `decoded as MQTT ${other === 5 ? '5.0' : '3.1.1'}`,
            });
            return;
          }
        } catch {
          // fall through: report the original error
        }
      }
      const message =
        error instanceof MqttDecodeError
          ? `${error.code}: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error);
      this.push({ kind: 'garbage', raw: frame, error: message });
    }
  }

  private acknowledge(packet: Packet): void {
    if (!this.isOpen) return;
    if (packet.type === 'publish' && packet.qos === 1 && packet.packetId !== undefined) {
      this.send({ type: 'puback', packetId: packet.packetId });
    } else if (packet.type === 'publish' && packet.qos === 2 && packet.packetId !== undefined) {
      this.send({ type: 'pubrec', packetId: packet.packetId });
    } else if (packet.type === 'pubrel') {
      this.send({ type: 'pubcomp', packetId: packet.packetId });
    }
  }
}

/**
 * Total size of the packet at the start of `buffer`, undefined when the header is incomplete,
 * 'invalid' when the remaining length runs past 4 bytes. Lenient on purpose (unlike wire's
 * readVarint): a non-minimal remaining length still frames the packet, so its bytes can be kept.
 */
export function frameSize(buffer: Buffer): number | 'invalid' | undefined {
  let value = 0;
  let multiplier = 1;
  for (let i = 1; i <= 4; i += 1) {
    const byte = buffer[i];
    if (byte === undefined) return undefined;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return 1 + i + value;
    multiplier *= 128;
  }
  return 'invalid';
}

export function describeEvent(event: InboxEvent): string {
  switch (event.kind) {
    case 'packet':
      return `${event.packet.type.toUpperCase()} (${hex(event.raw).slice(0, 60)})`;
    case 'garbage':
      return `undecodable bytes (${event.error})`;
    case 'closed':
      return event.close.kind === 'reset'
        ? 'connection reset'
        : event.close.kind === 'error'
          ? `connection error (${event.close.error ?? ''})`
          : 'connection closed';
  }
}
