// Hot-path PUBLISH encoding: the topic bytes are encoded once per publisher; each message is one
// buffer (fixed header, topic, packet id, empty v5 properties, payload) written in place, with the
// measurement header at the start of the payload and the rest zero-filled (never stale heap bytes).
// Byte-for-byte identical to wire `encode` for the same packet (test/load/fast-publish.test.ts).
import { encode } from '../../wire/index.js';
import { HEADER_BYTES, writeHeader } from './payload.js';

export class PublishEncoder {
  private readonly topic: Buffer;
  private readonly firstByte: number;
  private readonly v5: boolean;

  constructor(
    topic: string,
    readonly qos: 0 | 1 | 2,
    retain: boolean,
    protocolLevel: 4 | 5,
  ) {
    const bytes = Buffer.from(topic, 'utf8');
    this.topic = Buffer.allocUnsafe(bytes.length + 2);
    this.topic.writeUInt16BE(bytes.length, 0);
    bytes.copy(this.topic, 2);
    this.firstByte = 0x30 | (qos << 1) | (retain ? 1 : 0);
    this.v5 = protocolLevel === 5;
  }

  /** Bytes the packet takes for a payload of `size` bytes. */
  packetLength(size: number): number {
    const remaining = this.topic.length + (this.qos > 0 ? 2 : 0) + (this.v5 ? 1 : 0) + size;
    return 1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4) + remaining;
  }

  /** Writes one PUBLISH at `offset` (room for packetLength(size) bytes); returns the end offset. */
  encodeInto(
    buffer: Buffer,
    offset: number,
    packetId: number,
    size: number,
    runTag: number,
    publisher: number,
    seq: number,
    intendedUs: number,
    latenessUs: number,
  ): number {
    const remaining = this.topic.length + (this.qos > 0 ? 2 : 0) + (this.v5 ? 1 : 0) + size;
    buffer[offset++] = this.firstByte;
    let value = remaining;
    do {
      let byte = value % 128;
      value = Math.floor(value / 128);
      if (value > 0) byte |= 0x80;
      buffer[offset++] = byte;
    } while (value > 0);
    offset += this.topic.copy(buffer, offset);
    if (this.qos > 0) {
      buffer[offset++] = packetId >> 8;
      buffer[offset++] = packetId & 0xff;
    }
    if (this.v5) buffer[offset++] = 0; // property length 0
    writeHeader(buffer, offset, runTag, publisher, seq, intendedUs, latenessUs);
    const end = offset + size;
    buffer.fill(0, offset + HEADER_BYTES, end);
    return end;
  }

  /** One PUBLISH packet in its own buffer (tests, one-off sends). */
  encode(
    packetId: number,
    size: number,
    runTag: number,
    publisher: number,
    seq: number,
    intendedUs: number,
    latenessUs: number,
  ): Buffer {
    const buffer = Buffer.allocUnsafe(this.packetLength(size));
    this.encodeInto(buffer, 0, packetId, size, runTag, publisher, seq, intendedUs, latenessUs);
    return buffer;
  }
}

/** First byte of the two-byte-body acknowledgements (PUBREL carries the mandatory flags 0010). */
export const ACK_FIRST_BYTE = { puback: 0x40, pubrec: 0x50, pubrel: 0x62, pubcomp: 0x70 } as const;

/**
 * PUBACK/PUBREC/PUBREL/PUBCOMP with reason Success and no properties: 4 bytes in 3.1.1 and 5.0
 * alike (v5 allows omitting the reason code when it is 0x00 and there are no properties).
 */
export function writeAck(
  buffer: Buffer,
  offset: number,
  type: keyof typeof ACK_FIRST_BYTE,
  packetId: number,
): number {
  buffer[offset] = ACK_FIRST_BYTE[type];
  buffer[offset + 1] = 2;
  buffer[offset + 2] = packetId >> 8;
  buffer[offset + 3] = packetId & 0xff;
  return offset + 4;
}

/** An empty retained PUBLISH: clears the retained message a load left on `topic`. */
export function encodeRetainedClear(topic: string, protocolLevel: 4 | 5): Buffer {
  return encode(
    { type: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: true, dup: false },
    protocolLevel,
  );
}
