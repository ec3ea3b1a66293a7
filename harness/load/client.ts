// One MQTT connection of the load engine: a raw TCP socket, the wire encoder for control packets,
// the hot-path frame reader (strict wire decoder for everything but plain PUBLISH and acks) for what
// the broker sends. Events go to a LoadClientOwner through plain method calls (no per-message
// closures). Packet ids map to fixed slots so the send time of each in-flight message lives in a
// preallocated Float64Array. Reads land in one static buffer shared by every client of the thread
// (socket `onread`: no stream machinery, no Buffer per read); the frame reader copies partial frames.
import { connect as netConnect, type Socket } from 'node:net';
import { encode } from '../../wire/index.js';
import type { Packet } from '../../wire/types.js';
import { nowMs } from './clock.js';
import { writeAck, type PublishEncoder } from './fast-publish.js';
import { FrameReader, type FrameHandler } from './frames.js';

const INITIAL_BUFFER = 4 * 1024;
const EMPTY = Buffer.alloc(0);
const MAX_IDLE_BUFFER = 1024 * 1024;
/** Every socket of this thread reads into this buffer; its data is consumed before the callback returns. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export interface LoadClientOptions {
  host: string;
  port: number;
  localAddress?: string;
  clientId: string;
  protocolLevel: 4 | 5;
  cleanStart: boolean;
  keepAlive: number;
  sessionExpiry?: number;
  username?: string;
  password?: string;
  /** Slots for unacknowledged QoS 1/2 publishes (rounded up to a power of two). */
  inflightSlots: number;
  timeoutMs: number;
}

export interface LoadClientOwner {
  /** A PUBLISH arrived; its payload is buffer[start, end), valid only during the call. */
  onPublishReceived(client: LoadClient, buffer: Buffer, start: number, end: number, atMs: number): void;
  /** A QoS 1/2 publish of ours completed (PUBACK / PUBCOMP); sentAtMs is when it was written. */
  onPublishCompleted(client: LoadClient, sentAtMs: number, atMs: number): void;
  onClientError(client: LoadClient, message: string): void;
  /** Socket writes were corked; the owner uncorks them at its next flush. */
  onCorked(client: LoadClient): void;
}

export class LoadClient implements FrameHandler {
  socket: Socket | undefined;
  connected = false;
  closed = false;
  inflight = 0;
  receiveMaximum = 65535;
  corked = false;
  /** Index of this client inside the owner's list (publisher or subscriber). */
  index = 0;
  /** Which endpoint of a target pool it is connected to. */
  endpoint = 0;
  private readonly reader: FrameReader;
  /** Arrival time of the chunk being handled. */
  private atMs = 0;
  /** Packets queued since the last flush, written with one socket write. */
  private out = EMPTY; // allocated on first use: idle connections (connection-storm) hold none
  private outLength = 0;
  private nextPacketId = 1;
  private readonly sentAt: Float64Array;
  private readonly slotMask: number;
  private waiter: { type: string; resolve(packet: Packet): void; reject(error: Error): void } | undefined;

  constructor(
    readonly options: LoadClientOptions,
    private readonly owner: LoadClientOwner,
  ) {
    let slots = 1;
    while (slots < options.inflightSlots) slots *= 2;
    this.sentAt = new Float64Array(Math.min(slots, 65536));
    this.slotMask = this.sentAt.length - 1;
    this.reader = new FrameReader(options.protocolLevel);
  }

  /** TCP connect, CONNECT, CONNACK. Resolves with the CONNACK time; rejects on refusal or timeout. */
  async connect(): Promise<number> {
    const { host, port, localAddress, timeoutMs } = this.options;
    const onread = {
      buffer: READ_BUFFER,
      callback: (length: number, buffer: Uint8Array): boolean => {
        this.onData(buffer as Buffer, length);
        return true;
      },
    };
    const socket = netConnect(
      localAddress === undefined ? { host, port, onread } : { host, port, localAddress, onread },
    );
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on('error', (error) => this.fail(`socket: ${error.message}`));
    socket.on('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.closed = true;
      this.rejectWaiter(new Error('connection closed'));
      if (wasConnected && !this.closing) this.owner.onClientError(this, 'connection closed by broker');
    });
    const connack = this.waitFor('connack', timeoutMs);
    socket.write(encode(this.connectPacket(), this.options.protocolLevel));
    const packet = await connack;
    if (packet.type !== 'connack' || packet.reasonCode !== 0) {
      socket.destroy();
      throw new Error(`CONNACK refused: reason ${packet.type === 'connack' ? packet.reasonCode : '?'}`);
    }
    const receiveMaximum = packet.properties?.receiveMaximum;
    if (receiveMaximum !== undefined) this.receiveMaximum = receiveMaximum;
    this.connected = true;
    return nowMs();
  }

  async subscribe(filter: string, qos: 0 | 1 | 2): Promise<void> {
    const suback = this.waitFor('suback', this.options.timeoutMs);
    this.socket?.write(
      encode(
        { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: filter, qos }] },
        this.options.protocolLevel,
      ),
    );
    const packet = await suback;
    const code = packet.type === 'suback' ? packet.reasonCodes[0] : undefined;
    if (code === undefined || code >= 0x80) throw new Error(`SUBACK refused '${filter}': reason ${code}`);
  }

  /** PINGREQ → PINGRESP: keeps an otherwise idle connection alive [MQTT-3.1.2-23]; rejects on timeout or close. */
  async ping(): Promise<void> {
    const pingresp = this.waitFor('pingresp', this.options.timeoutMs);
    this.socket?.write(encode({ type: 'pingreq' }, this.options.protocolLevel));
    await pingresp;
  }

  /** True when a QoS>0 publish can take a packet id now (slot free, under the receive maximum and `limit`). */
  canSend(limit: number): boolean {
    if (!this.connected) return false;
    if (this.inflight >= limit || this.inflight >= this.receiveMaximum || this.inflight > this.slotMask)
      return false;
    return this.sentAt[this.nextPacketId & this.slotMask] === 0;
  }

  /** Reserve a packet id for a QoS>0 publish written now. Call canSend first. */
  takePacketId(sentAtMs: number): number {
    const packetId = this.nextPacketId;
    this.nextPacketId = packetId === 65535 ? 1 : packetId + 1;
    this.sentAt[packetId & this.slotMask] = sentAtMs;
    this.inflight++;
    return packetId;
  }

  /** Queue a control packet (encoded by the wire encoder); sent at the owner's flush. */
  write(buffer: Buffer): void {
    if (this.socket === undefined || !this.connected) return;
    this.ensure(buffer.length);
    this.outLength += buffer.copy(this.out, this.outLength);
    this.markDirty();
  }

  /** Encode one PUBLISH straight into the output buffer. */
  writePublish(
    encoder: PublishEncoder,
    packetId: number,
    size: number,
    runTag: number,
    publisher: number,
    seq: number,
    intendedUs: number,
    latenessUs: number,
  ): void {
    this.ensure(encoder.packetLength(size));
    this.outLength = encoder.encodeInto(
      this.out,
      this.outLength,
      packetId,
      size,
      runTag,
      publisher,
      seq,
      intendedUs,
      latenessUs,
    );
    this.markDirty();
  }

  private writeAck(type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp', packetId: number): void {
    if (!this.connected) return;
    this.ensure(4);
    this.outLength = writeAck(this.out, this.outLength, type, packetId);
    this.markDirty();
  }

  private ensure(bytes: number): void {
    if (this.outLength + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(INITIAL_BUFFER, this.out.length * 2, this.outLength + bytes));
    this.out.copy(grown, 0, 0, this.outLength);
    this.out = grown;
  }

  private markDirty(): void {
    if (this.corked) return;
    this.corked = true;
    this.owner.onCorked(this);
  }

  /** Send everything queued since the last flush as one socket write. */
  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    const length = this.outLength;
    if (length === 0) return;
    this.outLength = 0;
    const socket = this.socket;
    if (socket === undefined) return;
    socket.write(this.out.subarray(0, length));
    // Written straight through (the usual case): the buffer is free again. Otherwise the socket
    // holds it until the kernel takes it, and later packets go to a new one.
    if (socket.writableLength > 0 || this.out.length > MAX_IDLE_BUFFER)
      this.out = Buffer.allocUnsafe(INITIAL_BUFFER);
  }

  /** Bytes waiting in user space for the kernel: a measure of backpressure. */
  get pendingBytes(): number {
    return (this.socket?.writableLength ?? 0) + this.outLength;
  }

  private closing = false;

  /** DISCONNECT and close (graceful), or just close. */
  async disconnect(graceful = true): Promise<void> {
    const socket = this.socket;
    if (socket === undefined || this.closed) return;
    this.closing = true;
    this.uncork();
    if (graceful && this.connected) socket.end(encode({ type: 'disconnect' }, this.options.protocolLevel));
    else socket.end();
    this.connected = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  destroy(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  private connectPacket(): Packet {
    const { clientId, protocolLevel, cleanStart, keepAlive, sessionExpiry, username, password } =
      this.options;
    return {
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel,
      cleanStart,
      keepAlive,
      clientId,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password: Buffer.from(password) }),
      ...(protocolLevel === 5 && sessionExpiry !== undefined
        ? { properties: { sessionExpiryInterval: sessionExpiry } }
        : {}),
    };
  }

  private waitFor(type: string, timeoutMs: number): Promise<Packet> {
    return new Promise<Packet>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`timeout waiting for ${type.toUpperCase()} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        type,
        resolve: (packet) => {
          clearTimeout(timer);
          resolve(packet);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private rejectWaiter(error: Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  private fail(message: string): void {
    if (this.closing) return;
    this.rejectWaiter(new Error(message));
    if (this.connected) this.owner.onClientError(this, message);
  }

  private onData(buffer: Buffer, length: number): void {
    this.atMs = nowMs();
    try {
      this.reader.push(buffer, length, this);
    } catch (error) {
      this.owner.onClientError(this, `decode: ${error instanceof Error ? error.message : String(error)}`);
      this.socket?.destroy();
      return;
    }
    this.uncork();
  }

  onFramePublish(buffer: Buffer, start: number, end: number, qos: 0 | 1 | 2, packetId: number): void {
    this.owner.onPublishReceived(this, buffer, start, end, this.atMs);
    if (qos === 1) this.writeAck('puback', packetId);
    else if (qos === 2) this.writeAck('pubrec', packetId);
  }

  onFrameAck(type: 4 | 5 | 6 | 7, packetId: number): void {
    if (type === 5) this.writeAck('pubrel', packetId);
    else if (type === 6) this.writeAck('pubcomp', packetId);
    else this.complete(packetId, this.atMs);
  }

  onFramePacket(packet: Packet): void {
    const atMs = this.atMs;
    switch (packet.type) {
      case 'publish':
        this.onFramePublish(packet.payload, 0, packet.payload.length, packet.qos, packet.packetId ?? 0);
        break;
      case 'puback':
      case 'pubcomp':
        this.complete(packet.packetId, atMs);
        break;
      case 'pubrec':
        if (packet.reasonCode !== undefined && packet.reasonCode >= 0x80)
          this.complete(packet.packetId, atMs);
        else this.writeAck('pubrel', packet.packetId);
        break;
      case 'pubrel':
        this.writeAck('pubcomp', packet.packetId);
        break;
      case 'disconnect':
        this.owner.onClientError(this, `DISCONNECT from broker: reason ${packet.reasonCode ?? 0}`);
        break;
      case 'connack':
      case 'suback':
      case 'unsuback':
      case 'pingresp': {
        const waiter = this.waiter;
        if (waiter !== undefined && waiter.type === packet.type) {
          this.waiter = undefined;
          waiter.resolve(packet);
        }
        break;
      }
      case 'connect':
      case 'subscribe':
      case 'unsubscribe':
      case 'pingreq':
      case 'auth':
        break; // never sent by a server (the decoder rejects them in the client role)
    }
  }

  private complete(packetId: number, atMs: number): void {
    const slot = packetId & this.slotMask;
    const sentAtMs = this.sentAt[slot] ?? 0;
    if (sentAtMs === 0) return; // not ours / already completed
    this.sentAt[slot] = 0;
    this.inflight--;
    this.owner.onPublishCompleted(this, sentAtMs, atMs);
  }
}
