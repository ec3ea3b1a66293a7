// Encoder: sizes every packet first, then writes it into one Buffer. Correct by default; EncodeOverrides
// produce deliberate deviations for conformance tests.
import { MqttEncodeError } from './errors.js';
import { bodySize, writeBody } from './encode-body.js';
import { PACKET_TYPE_CODES } from './types.js';
import type { EncodeOverrides, Packet, ProtocolLevel } from './types.js';
import { varintSize, writeVarint, writeVarintFixed } from './varint.js';

/** Default low nibble of the fixed header. */
function defaultFlags(packet: Packet): number {
  if (packet.type === 'publish') {
    return (packet.dup ? 0x08 : 0) | (packet.qos << 1) | (packet.retain ? 0x01 : 0);
  }
  // PUBREL, SUBSCRIBE and UNSUBSCRIBE carry the reserved flags 0010.
  return packet.type === 'pubrel' || packet.type === 'subscribe' || packet.type === 'unsubscribe' ? 0x02 : 0;
}

/** Encodes one packet for the given protocol version. */
export function encode(packet: Packet, version: ProtocolLevel, overrides?: EncodeOverrides): Buffer {
  const typeCode = PACKET_TYPE_CODES[packet.type] as number | undefined;
  if (typeCode === undefined) {
    throw new MqttEncodeError('UNKNOWN_PACKET_TYPE', `unknown packet type ${String(packet.type)}`);
  }
  const ov = overrides;
  const bodyLength = ov?.body !== undefined ? ov.body.length : bodySize(packet, version, ov);
  const trailingLength = ov?.trailing?.length ?? 0;
  const realRemaining = bodyLength + trailingLength;
  const remaining = ov?.remainingLength ?? realRemaining;
  const lengthBytes = ov?.remainingLengthBytes ?? varintSize(remaining);
  const buf = Buffer.allocUnsafe(1 + lengthBytes + realRemaining);
  buf[0] = (((ov?.typeCode ?? typeCode) & 0x0f) << 4) | ((ov?.flags ?? defaultFlags(packet)) & 0x0f);
  let off =
    ov?.remainingLengthBytes === undefined && remaining <= 268_435_455
      ? writeVarint(buf, 1, remaining)
      : writeVarintFixed(buf, 1, remaining, lengthBytes);
  if (ov?.body !== undefined) {
    off += ov.body.copy(buf, off);
  } else {
    const end = writeBody(buf, off, packet, version, ov);
    if (end !== off + bodyLength) {
      throw new MqttEncodeError(
        'VALUE_OUT_OF_RANGE',
        `encoder wrote ${end - off} bytes, expected ${bodyLength}`,
      );
    }
    off = end;
  }
  if (ov?.trailing !== undefined) ov.trailing.copy(buf, off);
  return buf;
}
