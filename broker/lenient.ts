// Test-only: re-reads a packet the strict decoder rejected, when a mutation asks the broker to
// accept that defect. The wire module stays strict; the broker patches a copy of the offending
// bytes, decodes the copy, and restores what the patch hid (the real topic name).
import { isUtf8 } from 'node:buffer';
import { MqttDecodeError, PacketDecoder, encode } from '../wire/index.js';
import type { Packet, ProtocolLevel } from '../wire/types.js';
import { bodyOffset, peekConnect } from './framing.js';
import type { MutationName } from './mutations.js';

type Has = (mutation: MutationName) => boolean;

/** A server-role decoder already past CONNECT (fresh decoders insist on CONNECT first). */
export function decoderAfterConnect(version: ProtocolLevel, maxPacketSize: number): PacketDecoder {
  const decoder = new PacketDecoder({ role: 'server', maxPacketSize, copyBinary: true });
  const protocolName = version === 3 ? 'MQIsdp' : 'MQTT';
  decoder.push(
    encode(
      {
        type: 'connect',
        protocolName,
        protocolLevel: version,
        cleanStart: true,
        keepAlive: 0,
        clientId: 'x',
      },
      version,
    ),
  );
  return decoder;
}

/** Returns the packet decoded despite the error, or undefined when no enabled mutation covers it. */
export function decodeLeniently(
  frame: Buffer,
  error: MqttDecodeError,
  has: Has,
  version: ProtocolLevel | undefined,
  maxPacketSize: number,
): Packet | undefined {
  const copy = Buffer.from(frame);
  let current = error;
  let topicOverride: string | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const patched = patch(copy, current, has);
    if (patched === false) return undefined;
    if (patched !== true) topicOverride = patched;
    const isConnect = (copy[0] ?? 0) >> 4 === 1;
    const decoder = isConnect
      ? new PacketDecoder({ role: 'server', maxPacketSize, copyBinary: true })
      : decoderAfterConnect(version ?? 4, maxPacketSize);
    try {
      const packet = decoder.push(copy)[0];
      if (packet?.type === 'publish' && topicOverride !== undefined) packet.topic = topicOverride;
      return packet;
    } catch (next) {
      if (!(next instanceof MqttDecodeError)) throw next;
      current = next;
    }
  }
  return undefined;
}

/** Patches `frame` in place; a string is the real topic name to restore; false: nothing to patch. */
function patch(frame: Buffer, error: MqttDecodeError, has: Has): boolean | string {
  const type = (frame[0] ?? 0) >> 4;
  if (type === 1) {
    const connect = peekConnect(frame);
    if (connect === undefined) return false;
    if (error.code === 'UNSUPPORTED_PROTOCOL_VERSION' && has('accept-bad-protocol-level')) {
      frame[connect.levelOffset] = connect.name === 'MQIsdp' ? 3 : 4;
      return true;
    }
    if (error.statement === 'MQTT-3.1.2-3' && has('accept-reserved-connect-flag')) {
      const flagsOffset = connect.levelOffset + 1;
      frame[flagsOffset] = (frame[flagsOffset] ?? 0) & 0xfe;
      return true;
    }
    return false;
  }
  if (type !== 3) return false;
  if (error.statement === 'MQTT-3.3.1-4' && has('accept-qos3')) {
    frame[0] = (frame[0] ?? 0) & ~0x04; // QoS 3 read as QoS 1
    return true;
  }
  const start = bodyOffset(frame);
  if (start + 2 > frame.length) return false;
  const length = frame.readUInt16BE(start);
  const topicBytes = frame.subarray(start + 2, Math.min(frame.length, start + 2 + length));
  const topic = topicBytes.toString('utf8');
  const wildcard = topic.includes('+') || topic.includes('#');
  const illFormed = !isUtf8(topicBytes);
  if (wildcard && !has('accept-wildcard-publish-topic')) return false;
  if (illFormed && !has('accept-invalid-utf8')) return false;
  if (!wildcard && !illFormed) return false;
  for (let i = 0; i < topicBytes.length; i++) {
    const byte = topicBytes[i] ?? 0;
    if (byte >= 0x80 || byte === 0x2b || byte === 0x23) topicBytes[i] = 0x5f; // '_'
  }
  return topic;
}
