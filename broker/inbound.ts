// Inbound byte stream → packets: framing, strict decoding, and (test-only) mutations that accept
// some packets the decoder rejects. Errors are reported with the offending bytes; after an error
// the pipeline is dead, like the decoder.
import { MqttDecodeError, PacketDecoder } from '../wire/index.js';
import type { Packet, ProtocolLevel } from '../wire/types.js';
import { Framer } from './framing.js';
import { decodeLeniently, decoderAfterConnect } from './lenient.js';
import type { MutationName } from './mutations.js';

/** Implemented by the connection itself (no per-connection adapter object). */
export interface InboundSink {
  onPacket(packet: Packet): void;
  onDecodeError(error: MqttDecodeError, bytes: Buffer): void;
  /** False once the connection is closing: no further packets are read. */
  readonly accepting: boolean;
  /** Protocol version once CONNECT was accepted, undefined before. */
  readonly agreedVersion: ProtocolLevel | undefined;
}

const NOTHING = Buffer.alloc(0);

export class InboundPipeline {
  private readonly framer: Framer;
  private decoder: PacketDecoder;
  /** The decoder threw: it is dead (and throws on every push). */
  private failed = false;

  constructor(
    private readonly maxPacketSize: number,
    private readonly mutations: ReadonlySet<MutationName>,
    private readonly sink: InboundSink,
  ) {
    this.framer = new Framer(maxPacketSize);
    this.decoder = this.freshDecoder();
  }

  push(chunk: Buffer): void {
    this.framer.push(chunk);
    while (this.sink.accepting) {
      const next = this.framer.next();
      if (next.kind === 'incomplete') {
        this.releaseLastFrame();
        return;
      }
      if (next.kind === 'bad-length') {
        const error = new MqttDecodeError('MALFORMED_PACKET', 'remaining length longer than 4 bytes');
        this.sink.onDecodeError(error, this.framer.rest());
        return;
      }
      if (next.kind === 'too-large') {
        const statement = this.sink.agreedVersion === 5 ? 'MQTT-3.2.2-15' : undefined;
        const message = `packet of ${next.size} bytes exceeds ${this.maxPacketSize}`;
        this.sink.onDecodeError(new MqttDecodeError('PACKET_TOO_LARGE', message, { statement }), next.header);
        return;
      }
      this.decode(next.frame);
    }
  }

  clear(): void {
    this.framer.clear();
    this.releaseLastFrame();
  }

  /**
   * The decoder keeps the bytes of the packets it decoded last (its lastRaw) until it decodes more.
   * Those bytes are a slice of the socket's read buffer: kept by an idle connection, they would pin
   * that buffer's memory page for as long as the connection lives. An empty push lets them go.
   */
  private releaseLastFrame(): void {
    if (!this.failed) this.decoder.push(NOTHING);
  }

  private decode(frame: Buffer): void {
    let packet: Packet | undefined;
    try {
      packet = this.decoder.push(frame)[0];
    } catch (error) {
      if (!(error instanceof MqttDecodeError)) throw error;
      this.failed = true;
      packet = this.recover(frame, error);
    }
    if (packet !== undefined) this.sink.onPacket(packet);
  }

  private replaceDecoder(decoder: PacketDecoder): void {
    this.decoder = decoder;
    this.failed = false;
  }

  private freshDecoder(): PacketDecoder {
    return new PacketDecoder({ role: 'server', maxPacketSize: this.maxPacketSize, copyBinary: true });
  }

  /** Test-only mutations that accept what the decoder rejected; otherwise the error is reported. */
  private recover(frame: Buffer, error: MqttDecodeError): Packet | undefined {
    if (this.mutations.size > 0) {
      const has = (mutation: MutationName): boolean => this.mutations.has(mutation);
      const version = this.sink.agreedVersion;
      if (error.statement === 'MQTT-3.1.0-1' && has('accept-first-packet-not-connect')) {
        this.replaceDecoder(this.freshDecoder());
        return undefined; // packet ignored
      }
      if (error.statement === 'MQTT-3.1.0-2' && has('accept-second-connect')) {
        this.replaceDecoder(decoderAfterConnect(version ?? 4, this.maxPacketSize));
        return undefined; // packet ignored
      }
      const packet = decodeLeniently(frame, error, has, version, this.maxPacketSize);
      if (packet !== undefined) {
        const level = packet.type === 'connect' ? (packet.protocolLevel as ProtocolLevel) : (version ?? 4);
        this.replaceDecoder(decoderAfterConnect(level, this.maxPacketSize));
        return packet;
      }
    }
    this.sink.onDecodeError(error, frame);
    return undefined;
  }
}
