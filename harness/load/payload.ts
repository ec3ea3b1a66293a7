// Every load payload starts with a 20-byte measurement header, written in place into the PUBLISH
// buffer: run tag (ignore foreign messages), publisher index, sequence number, the intended send
// time and how late the message actually left. Times are µs since the run's start (the same start
// in every worker): 40 bits for the intended time (12.7 days), 24 bits for the lateness (saturates
// at 16.7 s, far beyond what a run that kept its schedule shows). The receiver gets the latency
// from the intended time and the service time from the actual send: latency − lateness.
import type { PayloadSize } from './section-parts.js';

export const HEADER_BYTES = 20;
/** The largest lateness the header can carry, µs. */
export const MAX_LATENESS_US = 0xff_ffff;

export interface PayloadHeader {
  runTag: number;
  publisher: number;
  seq: number;
  /** Intended send time, µs since the run's start. */
  intendedUs: number;
  /** Actual send time − intended send time, whole µs (≥ 0). */
  latenessUs: number;
}

/** `intendedUs` a non-negative integer below 2^40; `latenessUs` clamped to [0, MAX_LATENESS_US]. */
export function writeHeader(
  buffer: Buffer,
  offset: number,
  runTag: number,
  publisher: number,
  seq: number,
  intendedUs: number,
  latenessUs: number,
): void {
  buffer.writeUInt32BE(runTag, offset);
  buffer.writeUInt32BE(publisher, offset + 4);
  buffer.writeUInt32BE(seq, offset + 8);
  buffer.writeUIntBE(intendedUs, offset + 12, 5);
  buffer.writeUIntBE(
    latenessUs < 0 ? 0 : latenessUs > MAX_LATENESS_US ? MAX_LATENESS_US : latenessUs,
    offset + 17,
    3,
  );
}

/** Returns false when the payload is too short or from another run; fills `into` otherwise. */
export function readHeader(payload: Buffer, runTag: number, into: PayloadHeader): boolean {
  return readHeaderAt(payload, 0, payload.length, runTag, into);
}

/** readHeader for the payload buffer[start, end) (read in place, nothing allocated). */
export function readHeaderAt(
  buffer: Buffer,
  start: number,
  end: number,
  runTag: number,
  into: PayloadHeader,
): boolean {
  if (end - start < HEADER_BYTES || buffer.readUInt32BE(start) !== runTag) return false;
  into.runTag = runTag;
  into.publisher = buffer.readUInt32BE(start + 4);
  into.seq = buffer.readUInt32BE(start + 8);
  into.intendedUs = buffer.readUIntBE(start + 12, 5);
  into.latenessUs = buffer.readUIntBE(start + 17, 3);
  return true;
}

/** A size sampler for a payload size spec: fixed, uniform {min,max}, or weighted {values,weights}. */
export function sizeSampler(size: PayloadSize | undefined): () => number {
  if (size === undefined) return () => 64;
  if (typeof size === 'number') return () => size;
  if ('min' in size) {
    const { min, max } = size;
    return () => min + Math.floor(Math.random() * (max - min + 1));
  }
  const values = size.values;
  const weights = size.weights ?? values.map(() => 1);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return () => {
    let pick = Math.random() * total;
    for (let index = 0; index < values.length; index++) {
      pick -= weights[index] ?? 0;
      if (pick < 0) return values[index] ?? HEADER_BYTES;
    }
    return values[values.length - 1] ?? HEADER_BYTES;
  };
}

/** Every size a spec can produce is at least the header; returns an error message otherwise. */
export function checkSize(size: PayloadSize | undefined): string | undefined {
  if (size === undefined) return undefined;
  let smallest: number;
  if (typeof size === 'number') smallest = size;
  else if ('min' in size) {
    if (size.max < size.min) return 'size.max must be >= size.min';
    smallest = size.min;
  } else {
    if (size.weights !== undefined && size.weights.length !== size.values.length)
      return 'size.weights must have one weight per value';
    smallest = Math.min(...size.values);
  }
  return smallest < HEADER_BYTES
    ? `payload size must be at least ${HEADER_BYTES} bytes (the measurement header)`
    : undefined;
}
