// Splits an inbound byte stream into whole MQTT packets (fixed header + remaining length) before
// they reach the strict decoder, so the broker always has the complete bytes of the packet at hand
// (evidence in logs, and the test-only mutations that re-read a rejected packet).

export type FrameResult =
  | { kind: 'frame'; frame: Buffer }
  | { kind: 'incomplete' }
  | { kind: 'bad-length' }
  | { kind: 'too-large'; size: number; header: Buffer };

export class Framer {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Size of the incomplete frame at the head, once its header is known (avoids re-concatenating). */
  private needed = 0;

  constructor(private readonly maxPacketSize: number) {}

  get bufferedBytes(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Next complete frame; call repeatedly until it is not a frame. */
  next(): FrameResult {
    if (this.length < 2 || (this.needed > 0 && this.length < this.needed)) return { kind: 'incomplete' };
    const data = this.contiguous();
    let value = 0;
    let multiplier = 1;
    let offset = 1;
    for (;;) {
      if (offset >= data.length) return { kind: 'incomplete' };
      if (offset > 4) return { kind: 'bad-length' };
      const byte = data[offset] ?? 0;
      value += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      offset++;
      if ((byte & 0x80) === 0) break;
    }
    const size = offset + value;
    if (size > this.maxPacketSize) return { kind: 'too-large', size, header: data.subarray(0, offset) };
    if (data.length < size) {
      this.needed = size;
      return { kind: 'incomplete' };
    }
    const frame = data.subarray(0, size);
    const rest = data.subarray(size);
    this.chunks = rest.length === 0 ? [] : [rest];
    this.length = rest.length;
    this.needed = 0;
    return { kind: 'frame', frame };
  }

  private contiguous(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0] ?? Buffer.alloc(0);
    const data = Buffer.concat(this.chunks, this.length);
    this.chunks = [data];
    return data;
  }

  /** Everything not yet framed (used to let the decoder report a bad remaining length). */
  rest(): Buffer {
    return this.contiguous();
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
    this.needed = 0;
  }
}

/** Protocol name and level of a CONNECT frame, read leniently; undefined when unreadable. */
export function peekConnect(frame: Buffer): { name: string; level: number; levelOffset: number } | undefined {
  let offset = 1;
  while (offset < frame.length && ((frame[offset] ?? 0) & 0x80) !== 0) offset++;
  offset++;
  if (offset + 2 > frame.length) return undefined;
  const nameLength = frame.readUInt16BE(offset);
  const levelOffset = offset + 2 + nameLength;
  if (levelOffset >= frame.length) return undefined;
  return {
    name: frame.toString('latin1', offset + 2, levelOffset),
    level: frame[levelOffset] ?? 0,
    levelOffset,
  };
}

/** Offset of the first byte after the fixed header. */
export function bodyOffset(frame: Buffer): number {
  let offset = 1;
  while (offset < frame.length && ((frame[offset] ?? 0) & 0x80) !== 0) offset++;
  return offset + 1;
}
