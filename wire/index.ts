// Public surface of the wire module: packet model, encoder, strict decoder, reason codes, properties, topics.
export * from './types.js';
export { encode } from './encoder.js';
export { PacketDecoder } from './decoder.js';
export type { PacketDecoderOptions } from './decoder.js';
export { MqttDecodeError, MqttEncodeError } from './errors.js';
export type { DecodeErrorCode, EncodeErrorCode } from './errors.js';
export {
  ReasonCode,
  ConnectReturnCode311,
  VALID_REASON_CODES,
  reasonCodeName,
  connectReturnCodeName,
} from './reason-codes.js';
export { PROPERTY_TABLE, propertyById, propertyByName } from './properties.js';
export type { PropertyDefinition, PropertyType, PropertyPlace } from './properties.js';
export {
  validateTopicName,
  validateTopicFilter,
  topicMatches,
  filterCovers,
  parseSharedFilter,
} from './topic.js';
export type { MatchOptions } from './topic.js';
export { packetToJSON, hex } from './json.js';
export type { BufferJSON } from './json.js';
export { checkMqttUtf8 } from './utf8.js';
export { varintSize, VARINT_MAX } from './varint.js';
