// Variable byte integer (MQTT 5.0 section 1.5.5 / 3.1.1 section 2.2.3): 7 bits per byte, at most 4 bytes.

export const VARINT_MAX = 268_435_455;

/** Number of bytes of the minimal encoding of `value` (0..VARINT_MAX). */
export function varintSize(value: number): number {
  if (value < 128) return 1;
  if (value < 16_384) return 2;
  if (value < 2_097_152) return 3;
  return 4;
}

/** Writes the minimal encoding; returns the offset after it. */
export function writeVarint(buf: Buffer, offset: number, value: number): number {
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    buf[offset++] = byte;
  } while (v > 0);
  return offset;
}

/**
 * Writes `value` on exactly `bytes` bytes (padding with continuation groups), for deliberately non-minimal
 * or over-long encodings. High bits that do not fit are dropped.
 */
export function writeVarintFixed(buf: Buffer, offset: number, value: number, bytes: number): number {
  let v = value;
  for (let i = 0; i < bytes; i++) {
    const last = i === bytes - 1;
    buf[offset++] = (v % 128) | (last ? 0 : 0x80);
    v = Math.floor(v / 128);
  }
  return offset;
}

export type VarintRead =
  | { ok: true; value: number; next: number }
  | { ok: false; reason: 'incomplete' | 'too-long' | 'non-minimal' };

/**
 * Reads a variable byte integer from buf[offset..end). `incomplete` when the bytes end before the last group,
 * `too-long` when a fourth byte still has its continuation bit, `non-minimal` when a multi-byte encoding ends
 * with a zero group.
 */
export function readVarint(buf: Buffer, offset: number, end: number): VarintRead {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (offset + i >= end) return { ok: false, reason: 'incomplete' };
    const byte = buf[offset + i]!;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) return { ok: false, reason: 'non-minimal' };
      return { ok: true, value, next: offset + i + 1 };
    }
    multiplier *= 128;
  }
  return { ok: false, reason: 'too-long' };
}
