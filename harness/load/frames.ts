// Hot-path framing of what a broker sends to a load client. PUBLISH and the four two-byte
// acknowledgements in their plain form are read in place (no packet object, no topic string, no
// payload subarray: the engine only needs the payload's measurement header and the packet id);
// everything else (CONNACK, SUBACK, PINGRESP, DISCONNECT, acks with reason codes or properties,
// PUBLISH with properties or odd flags) goes, one complete frame at a time, through the strict wire
// decoder, which also reports malformed packets as before. Input chunks may be reused by the caller
// after push returns (a socket's static read buffer): an incomplete frame is copied aside.
import { PacketDecoder } from '../../wire/index.js';
import type { Packet } from '../../wire/types.js';

export interface FrameHandler {
  /** A PUBLISH; its payload is buffer[payloadStart, payloadEnd), valid only during the call. */
  onFramePublish(
    buffer: Buffer,
    payloadStart: number,
    payloadEnd: number,
    qos: 0 | 1 | 2,
    packetId: number,
  ): void;
  /** PUBACK (4), PUBREC (5), PUBREL (6) or PUBCOMP (7) with success and no properties. */
  onFrameAck(type: 4 | 5 | 6 | 7, packetId: number): void;
  /** Any other packet, decoded by the strict wire decoder. */
  onFramePacket(packet: Packet): void;
}

const EMPTY = Buffer.alloc(0);

export class FrameReader {
  private readonly strict: PacketDecoder;
  private readonly v5: boolean;
  /** Bytes of an incomplete frame carried to the next push. */
  private carry = EMPTY;
  private carryLength = 0;

  constructor(version: 4 | 5) {
    this.v5 = version === 5;
    this.strict = new PacketDecoder({ role: 'client', version, copyBinary: true });
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.carryLength;
  }

  /** Frames buffer[0, length); throws MqttDecodeError on a malformed packet (strict decoder). */
  push(buffer: Buffer, length: number, handler: FrameHandler): void {
    let data = buffer;
    let end = length;
    if (this.carryLength > 0) {
      this.reserve(this.carryLength + length);
      buffer.copy(this.carry, this.carryLength, 0, length);
      this.carryLength += length;
      data = this.carry;
      end = this.carryLength;
    }
    const stop = this.frames(data, end, handler);
    const rest = end - stop;
    if (data === this.carry) {
      if (rest > 0 && stop > 0) this.carry.copy(this.carry, 0, stop, end);
      this.carryLength = rest;
      if (rest === 0 && this.carry.length > 64 * 1024) this.carry = EMPTY;
    } else if (rest > 0) {
      this.reserve(rest);
      data.copy(this.carry, 0, stop, end);
      this.carryLength = rest;
    }
  }

  private reserve(bytes: number): void {
    if (bytes <= this.carry.length) return;
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.carry.length * 2, 1024));
    this.carry.copy(grown, 0, 0, this.carryLength);
    this.carry = grown;
  }

  /** Handles every complete frame in data[0, end); returns the offset of the first incomplete one. */
  private frames(data: Buffer, end: number, handler: FrameHandler): number {
    let offset = 0;
    while (offset + 2 <= end) {
      // Fixed header: first byte, Remaining Length (1 to 4 bytes).
      let remaining = 0;
      let multiplier = 1;
      let cursor = offset + 1;
      let byte: number;
      do {
        if (cursor >= end) return offset;
        byte = data[cursor++]!;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
      } while (byte & 0x80 && cursor - offset <= 4);
      if (byte & 0x80) {
        // Five length bytes: malformed; the strict decoder says so.
        this.strictFrame(data, offset, end, handler); // throws
        return end;
      }
      const frameEnd = cursor + remaining;
      if (frameEnd > end) return offset;
      if (!this.fast(data, offset, cursor, frameEnd, handler))
        this.strictFrame(data, offset, frameEnd, handler);
      offset = frameEnd;
    }
    return offset;
  }

  /** The hot packets in their plain form; false when the strict decoder must look at the frame. */
  private fast(data: Buffer, offset: number, body: number, frameEnd: number, handler: FrameHandler): boolean {
    const first = data[offset]!;
    const type = first >> 4;
    if (type === 3) {
      const qos = (first >> 1) & 3;
      if (qos === 3 || (qos === 0 && first & 0x08) || frameEnd - body < 2) return false;
      const topicLength = (data[body]! << 8) | data[body + 1]!;
      if (topicLength === 0) return false; // topic alias (5.0) or malformed (3.1.1)
      let cursor = body + 2 + topicLength;
      let packetId = 0;
      if (qos > 0) {
        if (cursor + 2 > frameEnd) return false;
        packetId = (data[cursor]! << 8) | data[cursor + 1]!;
        if (packetId === 0) return false;
        cursor += 2;
      }
      if (this.v5) {
        if (cursor >= frameEnd || data[cursor] !== 0) return false; // properties: strict path
        cursor++;
      }
      if (cursor > frameEnd) return false;
      handler.onFramePublish(data, cursor, frameEnd, qos as 0 | 1 | 2, packetId);
      return true;
    }
    if (type >= 4 && type <= 7 && frameEnd - body === 2 && first === (type === 6 ? 0x62 : type << 4)) {
      const packetId = (data[body]! << 8) | data[body + 1]!;
      if (packetId === 0) return false;
      handler.onFrameAck(type as 4 | 5 | 6 | 7, packetId);
      return true;
    }
    return false;
  }

  private strictFrame(data: Buffer, start: number, end: number, handler: FrameHandler): void {
    for (const packet of this.strict.push(data.subarray(start, end))) handler.onFramePacket(packet);
  }
}
