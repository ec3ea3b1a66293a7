// Packet model shared by the broker and the harness. Field names follow the MQTT 5.0 spec in camelCase.
// A packet is a plain object discriminated by `type`; the same shapes serve 3.1, 3.1.1 and 5.0
// (v5-only fields are simply absent for older versions).

/** Protocol level byte of CONNECT: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
export type ProtocolLevel = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;

export const PACKET_TYPE_CODES = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
  auth: 15,
} as const;
export type PacketTypeName = keyof typeof PACKET_TYPE_CODES;

export type UserProperty = readonly [name: string, value: string];

/** MQTT 5.0 properties (section 2.2.2.2). Every property of every packet is listed once here. */
export interface Properties {
  payloadFormatIndicator?: number; // 0x01 byte
  messageExpiryInterval?: number; // 0x02 four-byte integer
  contentType?: string; // 0x03
  responseTopic?: string; // 0x08
  correlationData?: Buffer; // 0x09
  /** 0x0B variable byte integer; PUBLISH may carry several, SUBSCRIBE at most one. */
  subscriptionIdentifier?: number | number[];
  sessionExpiryInterval?: number; // 0x11
  assignedClientIdentifier?: string; // 0x12
  serverKeepAlive?: number; // 0x13
  authenticationMethod?: string; // 0x15
  authenticationData?: Buffer; // 0x16
  requestProblemInformation?: number; // 0x17
  willDelayInterval?: number; // 0x18
  requestResponseInformation?: number; // 0x19
  responseInformation?: string; // 0x1A
  serverReference?: string; // 0x1C
  reasonString?: string; // 0x1F
  receiveMaximum?: number; // 0x21
  topicAliasMaximum?: number; // 0x22
  topicAlias?: number; // 0x23
  maximumQoS?: number; // 0x24
  retainAvailable?: number; // 0x25
  userProperties?: UserProperty[]; // 0x26, order preserved, duplicates allowed
  maximumPacketSize?: number; // 0x27
  wildcardSubscriptionAvailable?: number; // 0x28
  subscriptionIdentifiersAvailable?: number; // 0x29
  sharedSubscriptionAvailable?: number; // 0x2A
}

export interface Will {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

export interface ConnectPacket {
  type: 'connect';
  protocolName: string; // 'MQTT' (3.1.1, 5.0) or 'MQIsdp' (3.1)
  protocolLevel: number; // normally a ProtocolLevel; any byte when decoding leniently / encoding invalid packets
  cleanStart: boolean; // "clean session" in 3.1.1
  keepAlive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Buffer;
  properties?: Properties;
}

export interface ConnackPacket {
  type: 'connack';
  sessionPresent: boolean;
  /** 3.1.1: the return code (0..5); 5.0: the reason code. */
  reasonCode: number;
  properties?: Properties;
}

export interface PublishPacket {
  type: 'publish';
  topic: string; // may be '' in v5 when a topic alias is used
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  packetId?: number; // present iff qos > 0
  properties?: Properties;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP share one shape. */
export interface AckPacket {
  type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';
  packetId: number;
  reasonCode?: number; // v5 only; absent means 0x00
  properties?: Properties;
}

export interface SubscriptionRequest {
  topicFilter: string;
  qos: QoS;
  noLocal?: boolean; // v5
  retainAsPublished?: boolean; // v5
  retainHandling?: 0 | 1 | 2; // v5
}

export interface SubscribePacket {
  type: 'subscribe';
  packetId: number;
  subscriptions: SubscriptionRequest[];
  properties?: Properties;
}

export interface SubackPacket {
  type: 'suback';
  packetId: number;
  /** Granted QoS or failure (0x80) in 3.1.1; reason codes in 5.0. */
  reasonCodes: number[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: 'unsubscribe';
  packetId: number;
  topicFilters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: 'unsuback';
  packetId: number;
  reasonCodes?: number[]; // v5 only
  properties?: Properties;
}

export interface PingreqPacket {
  type: 'pingreq';
}
export interface PingrespPacket {
  type: 'pingresp';
}

export interface DisconnectPacket {
  type: 'disconnect';
  reasonCode?: number; // v5 only; absent means 0x00
  properties?: Properties;
}

export interface AuthPacket {
  type: 'auth';
  reasonCode?: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | AckPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;

/**
 * Deliberate deviations for the encoder (conformance tests write invalid packets on purpose).
 * Every field is optional; an empty object encodes the packet correctly.
 */
export interface EncodeOverrides {
  /** Replace the low nibble of the fixed header (reserved flags / dup-qos-retain). */
  flags?: number;
  /** Replace the packet type nibble (e.g. 0 or 15 for a 3.1.1 reserved type). */
  typeCode?: number;
  /** Write this remaining length instead of the real one (the body is written unchanged). */
  remainingLength?: number;
  /** Encode the remaining length with this many bytes (non-minimal variable byte integer). */
  remainingLengthBytes?: number;
  /** CONNECT: replace the whole connect-flags byte. */
  connectFlags?: number;
  /**
   * Raw properties bytes (v5) written instead of the encoded properties, e.g. duplicates or unknown ids.
   * The Property Length before them is computed from the buffer (use `body` for a wrong Property Length).
   */
  rawProperties?: Buffer;
  /** SUBSCRIBE: replace each subscription options byte, by index. */
  subscriptionOptions?: number[];
  /** Bytes appended after the body (included in the remaining length unless it is overridden). */
  trailing?: Buffer;
  /** Replace the whole body (variable header + payload) with these bytes. */
  body?: Buffer;
  /**
   * Raw bytes written instead of the UTF-8 encoding of a string field (the two-byte length is computed
   * from the buffer), e.g. ill-formed UTF-8, surrogates or U+0000. Fields the packet does not have are ignored.
   */
  rawStrings?: RawStringOverrides;
  /** CONNECT (v5): raw Will Properties bytes, written after a Property Length computed from them. */
  rawWillProperties?: Buffer;
}

/** String fields that EncodeOverrides.rawStrings can replace with arbitrary bytes. */
export interface RawStringOverrides {
  protocolName?: Buffer; // CONNECT
  clientId?: Buffer; // CONNECT
  willTopic?: Buffer; // CONNECT
  username?: Buffer; // CONNECT
  topic?: Buffer; // PUBLISH topic name
  /** SUBSCRIBE / UNSUBSCRIBE topic filters by index; undefined entries keep the real filter. */
  topicFilters?: (Buffer | undefined)[];
}
