// Evidence helpers: packets as JSON-safe values and bytes as hex.
import type { Packet } from './types.js';
import { checkMqttUtf8 } from './utf8.js';

/** A Buffer rendered for reports: hex always, utf8 when the bytes are valid MQTT UTF-8. */
export interface BufferJSON {
  hex: string;
  utf8?: string;
}

function bufferToJSON(b: Buffer): BufferJSON {
  const out: BufferJSON = { hex: b.toString('hex') };
  if (checkMqttUtf8(b, 0, b.length) === undefined) out.utf8 = b.toString('utf8');
  return out;
}

function convert(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return bufferToJSON(value);
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = convert(v);
    return out;
  }
  return value;
}

/** Deep copy of a packet with every Buffer replaced by { hex, utf8? }: safe for JSON.stringify. */
export function packetToJSON(packet: Packet): unknown {
  return convert(packet);
}

/** '30 05 00 01 ...': bytes as space-separated lowercase hex pairs. */
export function hex(buffer: Buffer): string {
  let out = '';
  for (let i = 0; i < buffer.length; i++) {
    if (i > 0) out += ' ';
    out += buffer[i]!.toString(16).padStart(2, '0');
  }
  return out;
}
