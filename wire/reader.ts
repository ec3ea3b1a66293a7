// Bounds-checked reader over one packet body. Every overrun is a Malformed Packet.
import { malformed, statementFor } from './errors.js';
import type { ProtocolLevel } from './types.js';
import { checkMqttUtf8, decodeUtf8 } from './utf8.js';
import { readVarint } from './varint.js';

export class Reader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  version: ProtocolLevel | undefined;
  /** Copy binary fields and payloads out of the input instead of returning subarrays. */
  copyBinary = false;

  reset(buf: Buffer, pos: number, end: number, version: ProtocolLevel | undefined): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.version = version;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw malformed(`${what} runs past the end of the packet`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  varint(what: string): number {
    const r = readVarint(this.buf, this.pos, this.end);
    if (!r.ok) {
      if (r.reason === 'incomplete') throw malformed(`${what} runs past the end of the packet`);
      if (r.reason === 'too-long') throw malformed(`${what}: variable byte integer longer than 4 bytes`);
      throw malformed(
        `${what}: variable byte integer not minimally encoded`,
        statementFor(this.version, undefined, 'MQTT-1.5.5-1'),
      );
    }
    this.pos = r.next;
    return r.value;
  }

  /** A UTF-8 Encoded String (two-byte length + strict UTF-8). */
  utf8(what: string): string {
    const len = this.u16(`${what} length`);
    this.need(len, what);
    const start = this.pos;
    const problem = checkMqttUtf8(this.buf, start, start + len);
    if (problem !== undefined) {
      if (problem === 'null-character') {
        throw malformed(
          `${what} contains U+0000`,
          statementFor(this.version, 'MQTT-1.5.3-2', 'MQTT-1.5.4-2'),
        );
      }
      throw malformed(
        `${what} is not well-formed UTF-8`,
        statementFor(this.version, 'MQTT-1.5.3-1', 'MQTT-1.5.4-1'),
      );
    }
    this.pos += len;
    return decodeUtf8(this.buf, start, start + len);
  }

  /** Binary Data (two-byte length + bytes). */
  binary(what: string): Buffer {
    const len = this.u16(`${what} length`);
    this.need(len, what);
    const out = this.slice(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** Everything up to the end of the packet (PUBLISH payload). */
  rest(): Buffer {
    const out = this.slice(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  private slice(start: number, end: number): Buffer {
    return this.copyBinary ? Buffer.from(this.buf.subarray(start, end)) : this.buf.subarray(start, end);
  }

  /** Fails when bytes remain after the last field. */
  expectEnd(what: string): void {
    if (this.pos !== this.end) throw malformed(`${this.end - this.pos} unexpected byte(s) after the ${what}`);
  }
}
