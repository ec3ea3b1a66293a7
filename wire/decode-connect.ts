// CONNECT body (section 3.1): protocol name and level first, because they decide how the rest is read.
import { MqttDecodeError, malformed, statementFor } from './errors.js';
import { decodeProperties } from './properties.js';
import type { Reader } from './reader.js';
import type { ConnectPacket, ProtocolLevel, QoS } from './types.js';

function supportedLevel(name: string, level: number): ProtocolLevel | undefined {
  if (name === 'MQIsdp') return level === 3 ? 3 : undefined;
  return level === 4 || level === 5 ? level : undefined;
}

/** Decodes a CONNECT body; the reader's version is set from its protocol level. */
export function decodeConnect(r: Reader, fixedHeaderFlags: number): ConnectPacket {
  const protocolName = r.utf8('protocol name');
  const protocolLevel = r.u8('protocol level');
  if (protocolName !== 'MQTT' && protocolName !== 'MQIsdp') {
    // [MQTT-3.1.2-1]
    throw new MqttDecodeError(
      'INVALID_PROTOCOL_NAME',
      `invalid protocol name ${JSON.stringify(protocolName)}`,
      {
        statement: 'MQTT-3.1.2-1',
        protocolLevel,
        protocolName,
      },
    );
  }
  const level = supportedLevel(protocolName, protocolLevel);
  if (level === undefined) {
    // [MQTT-3.1.2-2]: the server answers CONNACK 0x01 (3.1.1) or 0x84 (5.0), so the level is exposed.
    throw new MqttDecodeError(
      'UNSUPPORTED_PROTOCOL_VERSION',
      `unsupported protocol level ${protocolLevel} for ${protocolName}`,
      { statement: 'MQTT-3.1.2-2', protocolLevel, protocolName },
    );
  }
  r.version = level;
  const v5 = level === 5;
  if (fixedHeaderFlags !== 0) {
    throw malformed('CONNECT reserved fixed-header flags are set', v5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-2');
  }
  const flags = r.u8('connect flags');
  if ((flags & 0x01) !== 0) throw malformed('CONNECT reserved flag is set', 'MQTT-3.1.2-3');
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  const passwordFlag = (flags & 0x40) !== 0;
  const usernameFlag = (flags & 0x80) !== 0;
  if (!willFlag) {
    if (willQos !== 0)
      throw malformed('Will QoS set without Will Flag', v5 ? 'MQTT-3.1.2-7' : 'MQTT-3.1.2-13');
    if (willRetain)
      throw malformed('Will Retain set without Will Flag', v5 ? 'MQTT-3.1.2-13' : 'MQTT-3.1.2-15');
  } else if (willQos === 3) {
    throw malformed('Will QoS 3', statementFor(level, 'MQTT-3.1.2-14', undefined));
  }
  if (!v5 && passwordFlag && !usernameFlag) {
    throw malformed('Password Flag set without User Name Flag', 'MQTT-3.1.2-22');
  }
  const keepAlive = r.u16('keep alive');
  const properties = v5 ? decodeProperties(r, 'connect') : undefined;
  const clientId = r.utf8('client identifier');
  const packet: ConnectPacket = {
    type: 'connect',
    protocolName,
    protocolLevel,
    cleanStart: (flags & 0x02) !== 0,
    keepAlive,
    clientId,
  };
  if (properties !== undefined) packet.properties = properties;
  if (willFlag) {
    const willProperties = v5 ? decodeProperties(r, 'will') : undefined;
    const topic = r.utf8('will topic');
    const payload = r.binary('will payload');
    packet.will = { topic, payload, qos: willQos as QoS, retain: willRetain };
    if (willProperties !== undefined) packet.will.properties = willProperties;
  }
  if (usernameFlag) packet.username = r.utf8('user name');
  if (passwordFlag) packet.password = r.binary('password');
  r.expectEnd('CONNECT payload');
  return packet;
}
