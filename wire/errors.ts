// Error classes of the wire module. Each carries a stable string `code`; MQTT reason codes are separate data.
import type { ProtocolLevel } from './types.js';

export type DecodeErrorCode =
  | 'MALFORMED_PACKET'
  | 'PROTOCOL_ERROR'
  | 'PACKET_TOO_LARGE'
  | 'UNSUPPORTED_PROTOCOL_VERSION'
  | 'INVALID_PROTOCOL_NAME';

export interface DecodeErrorDetails {
  /** Normative statement broken, e.g. 'MQTT-3.3.1-4' (the id of the version being decoded). */
  statement?: string | undefined;
  /** v5 reason code the receiver should report; defaults from the code (0x81, 0x82, 0x95, 0x84). */
  reasonCode?: number;
  raw?: Buffer | undefined;
  /** CONNECT only: the protocol level byte read before the error (set for unsupported versions and bad names). */
  protocolLevel?: number;
  /** CONNECT only: the protocol name read before the error. */
  protocolName?: string;
}

const DEFAULT_REASON: Record<DecodeErrorCode, number> = {
  MALFORMED_PACKET: 0x81,
  PROTOCOL_ERROR: 0x82,
  PACKET_TOO_LARGE: 0x95,
  UNSUPPORTED_PROTOCOL_VERSION: 0x84,
  INVALID_PROTOCOL_NAME: 0x84,
};

/** Thrown by PacketDecoder on the first malformed or forbidden packet; the stream is dead afterwards. */
export class MqttDecodeError extends Error {
  override readonly name = 'MqttDecodeError';
  readonly code: DecodeErrorCode;
  readonly statement: string | undefined;
  readonly reasonCode: number;
  raw: Buffer | undefined;
  readonly protocolLevel: number | undefined;
  readonly protocolName: string | undefined;

  constructor(code: DecodeErrorCode, message: string, details: DecodeErrorDetails = {}) {
    super(details.statement === undefined ? message : `${message} [${details.statement}]`);
    this.code = code;
    this.statement = details.statement;
    this.reasonCode = details.reasonCode ?? DEFAULT_REASON[code];
    this.raw = details.raw;
    this.protocolLevel = details.protocolLevel;
    this.protocolName = details.protocolName;
  }
}

export type EncodeErrorCode = 'VALUE_OUT_OF_RANGE' | 'UNKNOWN_PACKET_TYPE';

/** Thrown by encode() when a value cannot be represented at all (e.g. a string longer than 65535 bytes). */
export class MqttEncodeError extends Error {
  override readonly name = 'MqttEncodeError';
  readonly code: EncodeErrorCode;
  constructor(code: EncodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Picks the statement id of the version being decoded (MQTT 3.1 uses the 3.1.1 ids, its closest relative). */
export function statementFor(
  version: ProtocolLevel | undefined,
  v311: string | undefined,
  v5: string | undefined,
): string | undefined {
  return version === 5 ? v5 : v311;
}

export function malformed(message: string, statement?: string, reasonCode?: number): MqttDecodeError {
  return new MqttDecodeError('MALFORMED_PACKET', message, {
    statement,
    ...(reasonCode === undefined ? {} : { reasonCode }),
  });
}

export function protocolError(message: string, statement?: string, reasonCode?: number): MqttDecodeError {
  return new MqttDecodeError('PROTOCOL_ERROR', message, {
    statement,
    ...(reasonCode === undefined ? {} : { reasonCode }),
  });
}
