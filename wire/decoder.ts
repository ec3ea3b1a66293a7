// Streaming strict decoder: frames packets out of arbitrary chunks and decodes each one.
// Binary fields and PUBLISH payloads are subarrays of the pushed chunks (zero copy) unless `copyBinary` is set:
// the decoder never writes to them, but callers that keep them for long (retained messages, stored sessions)
// pin the whole chunk and may prefer `copyBinary: true` or their own copy.
import {
  decodeAck,
  decodeAuth,
  decodeConnack,
  decodeDisconnect,
  decodePublish,
  decodeSuback,
  decodeSubscribe,
  decodeUnsuback,
  decodeUnsubscribe,
} from './decode-body.js';
import type { Role } from './decode-body.js';
import { decodeConnect } from './decode-connect.js';
import { MqttDecodeError, malformed, protocolError, statementFor } from './errors.js';
import { Reader } from './reader.js';
import type { Packet, ProtocolLevel } from './types.js';
import { readVarint } from './varint.js';

export interface PacketDecoderOptions {
  /** 'server' decodes what a client sends; 'client' decodes what a server sends. */
  role: Role;
  /** Protocol version; for role 'server' it is taken from CONNECT. */
  version?: ProtocolLevel;
  /** Largest accepted packet (fixed header included); larger ones fail with PACKET_TOO_LARGE (0x95). */
  maxPacketSize?: number;
  /** Copy binary fields and payloads instead of returning subarrays of the pushed chunks. */
  copyBinary?: boolean;
}

/** Types a client may send (server role) and a server may send (client role), by type code. */
const FROM_CLIENT = new Set([1, 3, 4, 5, 6, 7, 8, 10, 12, 14, 15]);
const FROM_SERVER = new Set([2, 3, 4, 5, 6, 7, 9, 11, 13, 14, 15]);
const TYPE_NAMES = [
  'reserved(0)',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
];

function reservedFlagsStatement(type: number, version: ProtocolLevel | undefined): string | undefined {
  switch (type) {
    case 6:
      return 'MQTT-3.6.1-1';
    case 8:
      return 'MQTT-3.8.1-1';
    case 10:
      return 'MQTT-3.10.1-1';
    case 14:
      return 'MQTT-3.14.1-1';
    case 15:
      return 'MQTT-3.15.1-1';
    default:
      return statementFor(version, 'MQTT-2.2.2-2', 'MQTT-2.1.3-1');
  }
}

export class PacketDecoder {
  readonly role: Role;
  private raws: Buffer[] = [];
  private currentVersion: ProtocolLevel | undefined;
  private readonly maxPacketSize: number;
  private readonly reader = new Reader();
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Total size of the incomplete packet at the head of `pending`, 0 while its header is incomplete. */
  private needed = 0;
  private seenConnect = false;
  private failure: MqttDecodeError | undefined;
  /** Remaining Length of the packet framed last. */
  private frameRemaining = 0;

  constructor(options: PacketDecoderOptions) {
    this.role = options.role;
    this.currentVersion = options.version;
    this.maxPacketSize = options.maxPacketSize ?? Number.POSITIVE_INFINITY;
    this.reader.copyBinary = options.copyBinary === true;
  }

  /** Bytes of the packets returned by the last push, same order (subarrays of the input). */
  get lastRaw(): Buffer[] {
    return this.raws;
  }

  get version(): ProtocolLevel | undefined {
    return this.currentVersion;
  }

  setVersion(version: ProtocolLevel): void {
    this.currentVersion = version;
  }

  /** Number of bytes held for an incomplete packet. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  /** Feeds bytes; returns every complete packet. Throws MqttDecodeError on the first malformed packet. */
  push(chunk: Buffer): Packet[] {
    if (this.failure !== undefined) throw this.failure;
    this.raws = [];
    let data = chunk;
    if (this.pendingLength > 0) {
      const total = this.pendingLength + chunk.length;
      if (this.needed > 0 && total < this.needed) {
        this.pending.push(chunk);
        this.pendingLength = total;
        return [];
      }
      this.pending.push(chunk);
      data = Buffer.concat(this.pending, total);
      this.pending = [];
      this.pendingLength = 0;
      this.needed = 0;
    }
    const packets: Packet[] = [];
    let off = 0;
    try {
      while (off < data.length) {
        const size = this.frame(data, off);
        if (size < 0 || off + size > data.length) {
          this.pending = [data.subarray(off)];
          this.pendingLength = data.length - off;
          this.needed = size < 0 ? 0 : size;
          break;
        }
        packets.push(this.decodeOne(data, off, size));
        this.raws.push(data.subarray(off, off + size));
        off += size;
      }
    } catch (err) {
      if (err instanceof MqttDecodeError) this.failure = err;
      throw err;
    }
    return packets;
  }

  /** Checks the fixed header at `off`; returns the packet's total size, or -1 while the header is incomplete. */
  private frame(data: Buffer, off: number): number {
    const first = data[off]!;
    try {
      this.checkFirstByte(first);
    } catch (err) {
      if (err instanceof MqttDecodeError) err.raw = data.subarray(off, Math.min(data.length, off + 5));
      throw err;
    }
    const r = readVarint(data, off + 1, data.length);
    if (!r.ok) {
      if (r.reason === 'incomplete') return -1;
      const raw = data.subarray(off, off + 5);
      const err =
        r.reason === 'too-long'
          ? malformed('remaining length longer than 4 bytes')
          : malformed(
              'remaining length not minimally encoded',
              statementFor(this.expectedVersion(), undefined, 'MQTT-1.5.5-1'),
            );
      err.raw = raw;
      throw err;
    }
    const size = r.next - off + r.value;
    this.frameRemaining = r.value;
    if (size > this.maxPacketSize) {
      const v5 = this.role === 'server' ? 'MQTT-3.2.2-15' : 'MQTT-3.1.2-24';
      throw new MqttDecodeError(
        'PACKET_TOO_LARGE',
        `packet of ${size} bytes exceeds the maximum of ${this.maxPacketSize}`,
        {
          statement: statementFor(this.expectedVersion(), undefined, v5),
          raw: data.subarray(off, r.next),
        },
      );
    }
    try {
      this.checkFixedSize(first >> 4, r.value);
    } catch (err) {
      if (err instanceof MqttDecodeError) err.raw = data.subarray(off, Math.min(data.length, off + size));
      throw err;
    }
    return size;
  }

  /** Version that will apply to the next packet (a CONNACK in client role may still be undecided). */
  private expectedVersion(): ProtocolLevel | undefined {
    return this.currentVersion;
  }

  private checkFirstByte(first: number): void {
    const type = first >> 4;
    const flags = first & 0x0f;
    const version = this.currentVersion;
    if (type === 0 || (type === 15 && version !== undefined && version !== 5)) {
      throw malformed(`reserved packet type ${type}`);
    }
    const name = TYPE_NAMES[type]!;
    if (this.role === 'server') {
      if (!this.seenConnect && type !== 1) throw protocolError(`${name} before CONNECT`, 'MQTT-3.1.0-1');
      if (this.seenConnect && type === 1) throw protocolError('second CONNECT', 'MQTT-3.1.0-2');
      if (!FROM_CLIENT.has(type)) throw protocolError(`${name} sent by a client`);
    } else {
      if (!FROM_SERVER.has(type)) throw protocolError(`${name} sent by a server`);
      if (type === 14 && version !== undefined && version !== 5)
        throw protocolError('DISCONNECT sent by a 3.1.1 server');
      if (version === undefined && type !== 2 && type !== 15) {
        throw protocolError(`${name} before CONNACK`, 'MQTT-3.2.0-1');
      }
    }
    if (type === 3) {
      // [MQTT-3.3.1-4]
      if ((flags & 0x06) === 0x06) throw malformed('PUBLISH with QoS 3', 'MQTT-3.3.1-4');
      return;
    }
    // CONNECT: checked once its protocol level is known, to name the statement of that version.
    if (type === 1) return;
    const expected = type === 6 || type === 8 || type === 10 ? 0x02 : 0x00;
    if (flags !== expected) {
      throw malformed(
        `${name} reserved flags are 0x${flags.toString(16)}, expected 0x${expected.toString(16)}`,
        reservedFlagsStatement(type, version),
      );
    }
  }

  /** Packets whose size is fixed by the version: reject a wrong Remaining Length before waiting for the body. */
  private checkFixedSize(type: number, remaining: number): void {
    const v = this.currentVersion;
    let fixed: number | undefined;
    if (type === 12 || type === 13) fixed = 0;
    else if (v !== undefined && v !== 5) {
      if (type === 2 || (type >= 4 && type <= 7) || type === 11) fixed = 2;
      else if (type === 14) fixed = 0;
    }
    if (fixed !== undefined && remaining !== fixed) {
      throw malformed(`${TYPE_NAMES[type]} with remaining length ${remaining}, expected ${fixed}`);
    }
  }

  private decodeOne(data: Buffer, off: number, size: number): Packet {
    const first = data[off]!;
    const type = first >> 4;
    const bodyStart = off + size - this.frameRemaining;
    const r = this.reader;
    let version = this.currentVersion;
    if (version === undefined && this.role === 'client') {
      // No version given up front: a v5 CONNACK always has a Property Length, a 3.1.1 one never does.
      version = type === 2 && off + size - bodyStart === 2 ? 4 : 5;
      this.currentVersion = version;
    }
    r.reset(data, bodyStart, off + size, version);
    try {
      return this.decodeBody(r, type, first & 0x0f);
    } catch (err) {
      if (err instanceof MqttDecodeError && err.raw === undefined) err.raw = data.subarray(off, off + size);
      throw err;
    } finally {
      r.buf = EMPTY;
    }
  }

  private decodeBody(r: Reader, type: number, flags: number): Packet {
    switch (type) {
      case 1: {
        const packet = decodeConnect(r, flags);
        this.seenConnect = true;
        this.currentVersion = r.version;
        return packet;
      }
      case 2:
        return decodeConnack(r);
      case 3:
        return decodePublish(r, flags, this.role);
      case 4:
        return decodeAck(r, 'puback');
      case 5:
        return decodeAck(r, 'pubrec');
      case 6:
        return decodeAck(r, 'pubrel');
      case 7:
        return decodeAck(r, 'pubcomp');
      case 8:
        return decodeSubscribe(r, this.role);
      case 9:
        return decodeSuback(r);
      case 10:
        return decodeUnsubscribe(r, this.role);
      case 11:
        return decodeUnsuback(r);
      case 12:
        return { type: 'pingreq' };
      case 13:
        return { type: 'pingresp' };
      case 14:
        return decodeDisconnect(r, this.role);
      default:
        if (r.version !== 5) throw malformed('AUTH is not a packet of this protocol version');
        return decodeAuth(r);
    }
  }
}

const EMPTY = Buffer.alloc(0);
