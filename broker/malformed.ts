// How a connection answers a packet the decoder refused: after CONNACK a (v5) DISCONNECT with the
// decoder's reason code; before it, a refusing CONNACK where the version allows one, else a close.
import { ConnectReturnCode311, ReasonCode } from '../wire/index.js';
import type { MqttDecodeError } from '../wire/index.js';
import type { ProtocolLevel } from '../wire/types.js';
import { peekConnect } from './framing.js';

export type MalformedAnswer =
  | { kind: 'disconnect'; reasonCode: number }
  | { kind: 'connack'; version: ProtocolLevel; code: number }
  | { kind: 'close' };

/** Reason codes a v5 CONNACK may carry for a refused CONNECT found malformed by the decoder. */
const CONNACK_ERROR_CODES: ReadonlySet<number> = new Set([
  ReasonCode.UnspecifiedError,
  ReasonCode.MalformedPacket,
  ReasonCode.ProtocolError,
  ReasonCode.UnsupportedProtocolVersion,
  ReasonCode.ClientIdentifierNotValid,
  ReasonCode.BadUserNameOrPassword,
  ReasonCode.NotAuthorized,
  ReasonCode.ServerUnavailable,
  ReasonCode.ServerBusy,
  ReasonCode.Banned,
  ReasonCode.BadAuthenticationMethod,
  ReasonCode.TopicNameInvalid,
  ReasonCode.PacketTooLarge,
  ReasonCode.QuotaExceeded,
  ReasonCode.PayloadFormatInvalid,
  ReasonCode.RetainNotSupported,
  ReasonCode.QoSNotSupported,
  ReasonCode.UseAnotherServer,
  ReasonCode.ServerMoved,
  ReasonCode.ConnectionRateExceeded,
]);

export function answerToMalformed(
  error: MqttDecodeError,
  frame: Buffer,
  connected: boolean,
): MalformedAnswer {
  // After CONNACK [MQTT-4.13.1-1]: DISCONNECT (v5 only; the connection sends nothing to 3.1.1).
  if (connected) return { kind: 'disconnect', reasonCode: error.reasonCode };
  if (error.code === 'UNSUPPORTED_PROTOCOL_VERSION') {
    // [MQTT-3.1.2-2] CONNACK 0x01 (3.1.1) / 0x84 (5.0), then close.
    const level = error.protocolLevel ?? 4;
    return level >= 5
      ? { kind: 'connack', version: 5, code: ReasonCode.UnsupportedProtocolVersion }
      : { kind: 'connack', version: 4, code: ConnectReturnCode311.UnacceptableProtocolVersion };
  }
  const connect = (frame[0] ?? 0) >> 4 === 1 ? peekConnect(frame) : undefined;
  if (connect?.level === 5 && connect.name === 'MQTT' && error.code !== 'INVALID_PROTOCOL_NAME') {
    // v5: a refused CONNECT may be answered with a CONNACK carrying the reason code. No reason
    // string: the client's Maximum Packet Size and Request Problem Information are unknown when its
    // CONNECT could not be read [MQTT-3.2.2-19].
    const code = CONNACK_ERROR_CODES.has(error.reasonCode) ? error.reasonCode : ReasonCode.UnspecifiedError;
    return { kind: 'connack', version: 5, code };
  }
  // 3.1.1 [MQTT-3.1.4-1]: close without CONNACK.
  return { kind: 'close' };
}
