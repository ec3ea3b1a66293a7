// One recorded connection: the bytes each side sends are framed by their fixed header and decoded by
// wire/'s strict decoder (the client side as a server reads it, the broker side as a client reads
// it). A packet that does not decode is kept as its exact bytes and decoding goes on with the next
// frame; bytes that cannot even be framed (a remaining length longer than 4 bytes) are kept as they
// come until the connection ends.
import { MqttDecodeError, PacketDecoder, type Packet, type ProtocolLevel } from '../../wire/index.js';
import { frameSize } from '../steps/index.js';
import type { RecordedConnection, RecordedEvent, Side } from './model.js';

export interface CaptureSink {
  /** Milliseconds since the recording started. */
  clock(): number;
  /** Next sequence number over the whole recording. */
  nextSeq(): number;
  push(event: RecordedEvent): void;
}

export class ConnectionCapture {
  private readonly framers: Record<Side, Framer>;
  private ended: Partial<Record<Side, true>> = {};
  private connectRaw: Buffer | undefined;
  private level: ProtocolLevel | undefined;
  private closed = false;

  constructor(
    readonly connection: RecordedConnection,
    private readonly sink: CaptureSink,
  ) {
    this.framers = { client: new Framer(), broker: new Framer() };
  }

  /** Bytes `from` one side, in the order they were received. */
  data(from: Side, chunk: Buffer): void {
    if (this.closed || this.ended[from]) return;
    const framer = this.framers[from];
    const atMs = this.sink.clock();
    for (const frame of framer.push(chunk)) this.frame(from, frame, atMs);
  }

  /** That side ended (FIN) or reset the connection; later events of that side are ignored. */
  end(from: Side, how: 'fin' | 'reset'): void {
    if (this.closed || this.ended[from]) return;
    this.ended[from] = true;
    const atMs = this.sink.clock();
    const rest = this.framers[from].rest();
    if (rest.length > 0) this.malformed(from, rest, atMs, 'incomplete packet when the connection ended');
    this.sink.push({
      seq: this.sink.nextSeq(),
      atMs,
      connection: this.connection.id,
      from,
      kind: 'end',
      how,
    });
  }

  /** The recording stopped: nothing more is kept of this connection. */
  close(): void {
    this.closed = true;
  }

  private frame(from: Side, frame: Frame, atMs: number): void {
    if (frame.kind === 'unframed') {
      this.malformed(
        from,
        frame.bytes,
        atMs,
        'remaining length longer than 4 bytes: the rest cannot be framed',
      );
      return;
    }
    const packet = this.decode(from, frame.bytes);
    if (packet instanceof Error) {
      this.malformed(from, frame.bytes, atMs, packet.message);
      return;
    }
    if (from === 'client' && packet.type === 'connect' && this.connectRaw === undefined) {
      this.connectRaw = frame.bytes;
      this.connection.clientId = packet.clientId;
      const level = packet.protocolLevel;
      if (level === 3 || level === 4 || level === 5) {
        this.connection.level = level;
        this.level = level === 3 ? 4 : level;
        this.decoders.delete('broker'); // decode the broker's side with the CONNECT's version from now on
      }
    }
    this.sink.push({
      seq: this.sink.nextSeq(),
      atMs,
      connection: this.connection.id,
      from,
      kind: 'packet',
      packet,
      raw: frame.bytes,
    });
  }

  private malformed(from: Side, raw: Buffer, atMs: number, error: string): void {
    this.sink.push({
      seq: this.sink.nextSeq(),
      atMs,
      connection: this.connection.id,
      from,
      kind: 'malformed',
      raw,
      error,
    });
  }

  private readonly decoders = new Map<Side, PacketDecoder>();

  /** The packet, or the decoder's error; after an error the next frame is decoded by a fresh decoder. */
  private decode(from: Side, bytes: Buffer): Packet | Error {
    const decoder = this.decoders.get(from) ?? this.newDecoder(from);
    this.decoders.set(from, decoder);
    try {
      const [packet] = decoder.push(bytes);
      if (packet === undefined) return new Error('frame did not decode to one packet');
      return packet;
    } catch (error) {
      this.decoders.delete(from);
      if (error instanceof MqttDecodeError) return new Error(`${error.code}: ${error.message}`);
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private newDecoder(from: Side): PacketDecoder {
    if (from === 'broker') {
      return new PacketDecoder({
        role: 'client',
        copyBinary: true,
        ...(this.level !== undefined && { version: this.level }),
      });
    }
    const decoder = new PacketDecoder({ role: 'server', copyBinary: true });
    // A fresh decoder after a malformed packet must know the CONNECT already came (and its version).
    if (this.connectRaw !== undefined) decoder.push(this.connectRaw);
    return decoder;
  }
}

type Frame = { kind: 'packet'; bytes: Buffer } | { kind: 'unframed'; bytes: Buffer };

/** Splits a byte stream into MQTT packets by their fixed header only. */
class Framer {
  private buffer = Buffer.alloc(0);
  private broken = false;

  push(chunk: Buffer): Frame[] {
    if (this.broken) return [{ kind: 'unframed', bytes: Buffer.from(chunk) }];
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length > 0) {
      const size = frameSize(this.buffer);
      if (size === 'invalid') {
        this.broken = true;
        frames.push({ kind: 'unframed', bytes: this.buffer });
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (size === undefined || size > this.buffer.length) break;
      frames.push({ kind: 'packet', bytes: this.buffer.subarray(0, size) });
      this.buffer = this.buffer.subarray(size);
    }
    return frames;
  }

  /** Bytes of an incomplete packet still held. */
  rest(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }
}
