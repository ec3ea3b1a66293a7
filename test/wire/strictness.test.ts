// Every malformed or forbidden form is rejected with the right error code, statement id and reason code.
import { describe, expect, it } from 'vitest';
import { MqttDecodeError, PacketDecoder, encode } from '../../wire/index.js';
import type { DecodeErrorCode, EncodeOverrides, Packet, ProtocolLevel } from '../../wire/index.js';
import { connectFor } from './arbitraries.js';

interface Case {
  name: string;
  version: ProtocolLevel;
  role?: 'server' | 'client';
  bytes: Buffer;
  code: DecodeErrorCode;
  statement: string | undefined;
  reasonCode?: number;
  maxPacketSize?: number;
  /** Server role: do not send the CONNECT first. */
  noConnect?: boolean;
}

const h = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const publish = (topic = 'a/b', qos: 0 | 1 | 2 = 0): Packet => ({
  type: 'publish',
  topic,
  payload: Buffer.from('x'),
  qos,
  retain: false,
  dup: false,
  ...(qos > 0 ? { packetId: 1 } : {}),
});
const subscribe: Packet = { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a/+', qos: 1 }] };
const unsubscribe: Packet = { type: 'unsubscribe', packetId: 1, topicFilters: ['a/+'] };
const connect = (
  version: ProtocolLevel,
  patch: Partial<Extract<Packet, { type: 'connect' }>> = {},
): Packet => ({
  ...(connectFor(version) as Extract<Packet, { type: 'connect' }>),
  ...patch,
});
const enc = (p: Packet, v: ProtocolLevel, ov?: EncodeOverrides): Buffer => encode(p, v, ov);

/** PUBLISH v5 with raw property bytes. */
const pub5 = (props: string): Buffer => enc(publish(), 5, { rawProperties: h(props) });

const cases: Case[] = [];
for (const v of [4, 5] as const) {
  const is5 = v === 5;
  cases.push(
    {
      name: 'PUBLISH QoS 3',
      version: v,
      bytes: enc(publish('a', 1), v, { flags: 0x06 }),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.3.1-4',
      reasonCode: 0x81,
    },
    {
      name: 'PUBREL with flags 0000',
      version: v,
      bytes: enc({ type: 'pubrel', packetId: 1 }, v, { flags: 0 }),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.6.1-1',
    },
    {
      name: 'SUBSCRIBE with flags 0000',
      version: v,
      bytes: enc(subscribe, v, { flags: 0 }),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.8.1-1',
    },
    {
      name: 'UNSUBSCRIBE with flags 0011',
      version: v,
      bytes: enc(unsubscribe, v, { flags: 3 }),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.10.1-1',
    },
    {
      name: 'PINGREQ with flags 0001',
      version: v,
      bytes: h('c1 00'),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-2',
    },
    {
      name: 'PUBACK with flags 0010',
      version: v,
      bytes: enc({ type: 'puback', packetId: 1 }, v, { flags: 2 }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-2',
    },
    {
      name: 'DISCONNECT with flags 1000',
      version: v,
      bytes: h('e8 00'),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.14.1-1',
    },
    {
      name: 'CONNECT with fixed-header flags',
      version: v,
      bytes: enc(connect(v), v, { flags: 1 }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-2',
    },
    {
      name: 'remaining length of five bytes',
      version: v,
      bytes: h('30 ff ff ff ff 01'),
      code: 'MALFORMED_PACKET',
      statement: undefined,
    },
    {
      name: 'remaining length not minimally encoded',
      version: v,
      bytes: enc({ type: 'pingreq' }, v, { remainingLengthBytes: 2 }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-1.5.5-1' : undefined,
    },
    {
      name: 'CONNECT reserved flag',
      version: v,
      bytes: enc(connect(v), v, { connectFlags: 0x03 }),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.1.2-3',
    },
    {
      name: 'Will QoS without Will Flag',
      version: v,
      bytes: enc(connect(v), v, { connectFlags: 0x0a }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-3.1.2-7' : 'MQTT-3.1.2-13',
    },
    {
      name: 'Will Retain without Will Flag',
      version: v,
      bytes: enc(connect(v), v, { connectFlags: 0x22 }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-3.1.2-13' : 'MQTT-3.1.2-15',
    },
    {
      name: 'Will QoS 3',
      version: v,
      bytes: enc(connect(v, { will: { topic: 'w', payload: Buffer.alloc(0), qos: 2, retain: false } }), v, {
        connectFlags: 0x1e,
      }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? undefined : 'MQTT-3.1.2-14',
    },
    {
      name: 'invalid protocol name',
      version: v,
      bytes: enc(connect(v, { protocolName: 'MQTX' }), v),
      code: 'INVALID_PROTOCOL_NAME',
      statement: 'MQTT-3.1.2-1',
      reasonCode: 0x84,
    },
    {
      name: 'unsupported protocol level 6',
      version: v,
      bytes: enc(connect(v, { protocolLevel: 6 }), v),
      code: 'UNSUPPORTED_PROTOCOL_VERSION',
      statement: 'MQTT-3.1.2-2',
      reasonCode: 0x84,
    },
    {
      name: 'SUBSCRIBE without topic filter',
      version: v,
      bytes: enc({ type: 'subscribe', packetId: 1, subscriptions: [] }, v),
      code: 'PROTOCOL_ERROR',
      statement: is5 ? 'MQTT-3.8.3-2' : 'MQTT-3.8.3-3',
      reasonCode: 0x82,
    },
    {
      name: 'SUBSCRIBE options with reserved bits',
      version: v,
      bytes: enc(subscribe, v, { subscriptionOptions: [is5 ? 0x41 : 0x05] }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-3.8.3-5' : 'MQTT-3.8.3-4',
    },
    {
      name: 'UNSUBSCRIBE without topic filter',
      version: v,
      bytes: enc({ type: 'unsubscribe', packetId: 1, topicFilters: [] }, v),
      code: 'PROTOCOL_ERROR',
      statement: 'MQTT-3.10.3-2',
    },
    {
      name: 'PUBLISH topic with +',
      version: v,
      bytes: enc(publish('a/+'), v),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.3.2-2',
      reasonCode: 0x90,
    },
    {
      name: 'PUBLISH topic with #',
      version: v,
      bytes: enc(publish('#'), v),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.3.2-2',
      reasonCode: 0x90,
    },
    {
      name: 'PUBLISH QoS 1 with packet id 0',
      version: v,
      bytes: enc({ ...publish('a', 1), packetId: 0 } as Packet, v),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1',
    },
    {
      name: 'PUBLISH QoS 1 with packet id 0 from a server',
      version: v,
      role: 'client',
      bytes: enc({ ...publish('a', 1), packetId: 0 } as Packet, v),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-2.2.1-4' : 'MQTT-2.3.1-1',
    },
    {
      name: 'SUBSCRIBE with packet id 0',
      version: v,
      bytes: enc({ ...subscribe, packetId: 0 } as Packet, v),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1',
    },
    {
      name: 'PUBLISH DUP with QoS 0',
      version: v,
      bytes: enc(publish('a'), v, { flags: 0x08 }),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.3.1-2',
    },
    {
      name: 'topic length overruns the packet',
      version: v,
      bytes: enc(publish('a'), v, { body: h('00 09 61') }),
      code: 'MALFORMED_PACKET',
      statement: undefined,
    },
    {
      name: 'CONNECT with trailing bytes',
      version: v,
      bytes: enc(connect(v), v, { trailing: h('00') }),
      code: 'MALFORMED_PACKET',
      statement: undefined,
    },
    {
      name: 'PUBREL with trailing bytes',
      version: v,
      bytes: enc({ type: 'pubrel', packetId: 1, ...(is5 ? { reasonCode: 0 } : {}) }, v, {
        trailing: h('00 00'),
      }),
      code: 'MALFORMED_PACKET',
      statement: undefined,
    },
    {
      name: 'PINGREQ with a body',
      version: v,
      bytes: enc({ type: 'pingreq' }, v, { trailing: h('00') }),
      code: 'MALFORMED_PACKET',
      statement: undefined,
    },
    {
      name: 'packet larger than the maximum packet size',
      version: v,
      bytes: enc({ ...publish('a'), payload: Buffer.alloc(100) } as Packet, v),
      maxPacketSize: 64,
      code: 'PACKET_TOO_LARGE',
      statement: is5 ? 'MQTT-3.2.2-15' : undefined,
      reasonCode: 0x95,
    },
    {
      name: 'ill-formed UTF-8 in a topic',
      version: v,
      bytes: enc(publish('a'), v, { rawStrings: { topic: h('61 ff') } }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-1.5.4-1' : 'MQTT-1.5.3-1',
    },
    {
      name: 'UTF-16 surrogate encoded in a client id',
      version: v,
      bytes: enc(connect(v), v, { rawStrings: { clientId: h('ed a0 80') } }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-1.5.4-1' : 'MQTT-1.5.3-1',
    },
    {
      name: 'overlong encoding of U+0000 in a topic filter',
      version: v,
      bytes: enc(subscribe, v, { rawStrings: { topicFilters: [h('c0 80')] } }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-1.5.4-1' : 'MQTT-1.5.3-1',
    },
    {
      name: 'U+0000 in a user name',
      version: v,
      bytes: enc(connect(v, { username: 'u' }), v, { rawStrings: { username: h('75 00') } }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-1.5.4-2' : 'MQTT-1.5.3-2',
    },
    {
      name: 'packet before CONNECT',
      version: v,
      noConnect: true,
      bytes: enc({ type: 'pingreq' }, v),
      code: 'PROTOCOL_ERROR',
      statement: 'MQTT-3.1.0-1',
    },
    {
      name: 'second CONNECT',
      version: v,
      noConnect: true,
      bytes: Buffer.concat([enc(connect(v), v), enc(connect(v), v)]),
      code: 'PROTOCOL_ERROR',
      statement: 'MQTT-3.1.0-2',
    },
    {
      name: 'reserved packet type 0',
      version: v,
      bytes: h('00 00'),
      code: 'MALFORMED_PACKET',
      statement: undefined,
    },
    {
      name: 'CONNACK sent by a client',
      version: v,
      bytes: enc({ type: 'connack', sessionPresent: false, reasonCode: 0 }, v),
      code: 'PROTOCOL_ERROR',
      statement: undefined,
    },
    {
      name: 'SUBSCRIBE sent by a server',
      version: v,
      role: 'client',
      bytes: enc(subscribe, v),
      code: 'PROTOCOL_ERROR',
      statement: undefined,
    },
    {
      name: 'CONNACK with reserved acknowledge flags',
      version: v,
      role: 'client',
      bytes: enc({ type: 'connack', sessionPresent: false, reasonCode: 0 }, v, {
        body: h(is5 ? '02 00 00' : '02 00'),
      }),
      code: 'MALFORMED_PACKET',
      statement: is5 ? 'MQTT-3.2.2-1' : undefined,
    },
    {
      name: 'CONNACK with Session Present and an error code',
      version: v,
      role: 'client',
      bytes: enc({ type: 'connack', sessionPresent: true, reasonCode: is5 ? 0x80 : 2 }, v),
      code: 'PROTOCOL_ERROR',
      statement: is5 ? 'MQTT-3.2.2-6' : 'MQTT-3.2.2-4',
    },
    {
      name: 'SUBACK with a reserved code',
      version: v,
      role: 'client',
      bytes: enc({ type: 'suback', packetId: 1, reasonCodes: [0x03] }, v),
      code: 'MALFORMED_PACKET',
      statement: 'MQTT-3.9.3-2',
    },
  );
}

cases.push(
  {
    name: 'MQIsdp with protocol level 4',
    version: 4,
    bytes: enc(connect(4, { protocolName: 'MQIsdp' }), 4),
    code: 'UNSUPPORTED_PROTOCOL_VERSION',
    statement: 'MQTT-3.1.2-2',
    reasonCode: 0x84,
  },
  {
    name: 'MQTT with protocol level 3',
    version: 4,
    bytes: enc(connect(4, { protocolLevel: 3 }), 4),
    code: 'UNSUPPORTED_PROTOCOL_VERSION',
    statement: 'MQTT-3.1.2-2',
  },
  {
    name: '3.1.1 password without user name',
    version: 4,
    bytes: enc(connect(4, { password: Buffer.from('p') }), 4),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.1.2-22',
  },
  {
    name: '3.1 password without user name',
    version: 3,
    bytes: enc(connect(3, { password: Buffer.from('p') }), 3),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.1.2-22',
  },
  {
    name: '3.1.1 requested QoS 3',
    version: 4,
    bytes: enc(subscribe, 4, { subscriptionOptions: [3] }),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.8.3-4',
  },
  {
    name: '3.1.1 AUTH (reserved type 15)',
    version: 4,
    bytes: h('f0 00'),
    code: 'MALFORMED_PACKET',
    statement: undefined,
  },
  {
    name: '3.1.1 empty topic name',
    version: 4,
    bytes: enc(publish(''), 4),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-4.7.3-1',
  },
  {
    name: '3.1.1 CONNACK return code 6',
    version: 4,
    role: 'client',
    bytes: h('20 02 00 06'),
    code: 'MALFORMED_PACKET',
    statement: undefined,
  },
  {
    name: '3.1.1 DISCONNECT sent by a server',
    version: 4,
    role: 'client',
    bytes: h('e0 00'),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: '3.1.1 PUBACK with a reason code',
    version: 4,
    bytes: h('40 03 00 01 00'),
    code: 'MALFORMED_PACKET',
    statement: undefined,
  },
  {
    name: 'v5 AUTH with flags',
    version: 5,
    bytes: h('f1 00'),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.15.1-1',
  },
  {
    name: 'v5 No Local on a shared subscription',
    version: 5,
    bytes: enc(
      {
        type: 'subscribe',
        packetId: 1,
        subscriptions: [{ topicFilter: '$share/g/a', qos: 0, noLocal: true }],
      },
      5,
    ),
    code: 'PROTOCOL_ERROR',
    statement: 'MQTT-3.8.3-4',
    reasonCode: 0x82,
  },
  {
    name: 'v5 Retain Handling 3',
    version: 5,
    bytes: enc(subscribe, 5, { subscriptionOptions: [0x30] }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Maximum QoS 3 in subscription options',
    version: 5,
    bytes: enc(subscribe, 5, { subscriptionOptions: [0x03] }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 unknown property identifier',
    version: 5,
    bytes: pub5('7f 00'),
    code: 'MALFORMED_PACKET',
    statement: undefined,
    reasonCode: 0x81,
  },
  {
    name: 'v5 duplicated Content Type',
    version: 5,
    bytes: pub5('03 00 01 61 03 00 01 62'),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
    reasonCode: 0x82,
  },
  {
    name: 'v5 property not allowed in the packet (Session Expiry Interval in PUBLISH)',
    version: 5,
    bytes: pub5('11 00 00 00 05'),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
    reasonCode: 0x82,
  },
  {
    name: 'v5 property value overruns the property length',
    version: 5,
    bytes: pub5('02 00 00'),
    code: 'MALFORMED_PACKET',
    statement: undefined,
  },
  {
    name: 'v5 property length overruns the packet',
    version: 5,
    bytes: enc(publish('a'), 5, { body: h('00 01 61 09 01') }),
    code: 'MALFORMED_PACKET',
    statement: undefined,
  },
  {
    name: 'v5 Subscription Identifier in a PUBLISH from a client',
    version: 5,
    bytes: pub5('0b 01'),
    code: 'PROTOCOL_ERROR',
    statement: 'MQTT-3.3.4-6',
  },
  {
    name: 'v5 Subscription Identifier 0',
    version: 5,
    bytes: enc(subscribe, 5, { rawProperties: h('0b 00') }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 two Subscription Identifiers in SUBSCRIBE',
    version: 5,
    bytes: enc(subscribe, 5, { rawProperties: h('0b 01 0b 02') }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Topic Alias 0',
    version: 5,
    bytes: pub5('23 00 00'),
    code: 'PROTOCOL_ERROR',
    statement: 'MQTT-3.3.2-8',
    reasonCode: 0x94,
  },
  {
    name: 'v5 empty topic without Topic Alias',
    version: 5,
    bytes: enc(publish(''), 5),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Payload Format Indicator 2',
    version: 5,
    bytes: pub5('01 02'),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Receive Maximum 0 in CONNECT',
    version: 5,
    bytes: enc(connect(5), 5, { rawProperties: h('21 00 00') }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Authentication Data without Authentication Method',
    version: 5,
    bytes: enc(connect(5), 5, { rawProperties: h('16 00 01 aa') }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Will Delay Interval outside the Will Properties',
    version: 5,
    bytes: enc(connect(5), 5, { rawProperties: h('18 00 00 00 01') }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 Session Expiry Interval in the Will Properties',
    version: 5,
    bytes: enc(connect(5, { will: { topic: 'w', payload: Buffer.alloc(0), qos: 0, retain: false } }), 5, {
      rawWillProperties: h('11 00 00 00 01'),
    }),
    code: 'PROTOCOL_ERROR',
    statement: undefined,
  },
  {
    name: 'v5 property identifier not minimally encoded',
    version: 5,
    bytes: pub5('81 00 01'),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-1.5.5-1',
  },
  {
    name: 'v5 PUBACK with an invalid reason code',
    version: 5,
    role: 'client',
    bytes: enc({ type: 'puback', packetId: 1, reasonCode: 0x05 }, 5),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.4.2-1',
  },
  {
    name: 'v5 PUBREL with an invalid reason code',
    version: 5,
    bytes: enc({ type: 'pubrel', packetId: 1, reasonCode: 0x10 }, 5),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.6.2-1',
  },
  {
    name: 'v5 DISCONNECT with an invalid reason code',
    version: 5,
    bytes: enc({ type: 'disconnect', reasonCode: 0x01 }, 5),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.14.2-1',
  },
  {
    name: 'v5 DISCONNECT from a server with Session Expiry Interval',
    version: 5,
    role: 'client',
    bytes: enc({ type: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 5 } }, 5),
    code: 'PROTOCOL_ERROR',
    statement: 'MQTT-3.14.2-2',
  },
  {
    name: 'v5 CONNACK with an invalid reason code',
    version: 5,
    role: 'client',
    bytes: enc({ type: 'connack', sessionPresent: false, reasonCode: 0x01 }, 5),
    code: 'MALFORMED_PACKET',
    statement: 'MQTT-3.2.2-8',
  },
  {
    name: 'v5 packet too large, seen from the client side',
    version: 5,
    role: 'client',
    maxPacketSize: 16,
    bytes: enc({ ...publish('a'), payload: Buffer.alloc(32) } as Packet, 5),
    code: 'PACKET_TOO_LARGE',
    statement: 'MQTT-3.1.2-24',
    reasonCode: 0x95,
  },
);

function decoderFor(c: Case): PacketDecoder {
  const role = c.role ?? 'server';
  const decoder = new PacketDecoder({
    role,
    ...(role === 'client' ? { version: c.version } : {}),
    ...(c.maxPacketSize === undefined ? {} : { maxPacketSize: c.maxPacketSize }),
  });
  const isConnect = c.bytes[0]! >> 4 === 1;
  if (role === 'server' && !c.noConnect && !isConnect) decoder.push(encode(connectFor(c.version), c.version));
  return decoder;
}

function decodeError(decoder: PacketDecoder, bytes: Buffer): MqttDecodeError {
  try {
    decoder.push(bytes);
  } catch (err) {
    if (err instanceof MqttDecodeError) return err;
    throw err;
  }
  throw new Error('decoder accepted the packet');
}

describe('strict decoder rejects malformed packets', () => {
  it.each(cases.map((c) => [`v${c.version} ${c.role ?? 'server'}: ${c.name}`, c] as const))(
    '%s',
    (_name, c) => {
      const err = decodeError(decoderFor(c), c.bytes);
      expect(err.code).toBe(c.code);
      expect(err.statement).toBe(c.statement);
      if (c.reasonCode !== undefined) expect(err.reasonCode).toBe(c.reasonCode);
      expect(err.raw).toBeInstanceOf(Buffer);
    },
  );

  it('the same bytes fail the same way when fed one byte at a time', () => {
    for (const c of cases) {
      const decoder = decoderFor(c);
      let err: unknown;
      for (let i = 0; i < c.bytes.length && err === undefined; i++) {
        try {
          decoder.push(c.bytes.subarray(i, i + 1));
        } catch (e) {
          err = e;
        }
      }
      expect(err, c.name).toBeInstanceOf(MqttDecodeError);
      expect((err as MqttDecodeError).statement, c.name).toBe(c.statement);
    }
  });
});

describe('decode errors carry what the server needs to answer', () => {
  it('an unsupported level exposes the level and the name', () => {
    const err = decodeError(
      new PacketDecoder({ role: 'server' }),
      encode(connect(4, { protocolLevel: 7 }), 4),
    );
    expect(err.protocolLevel).toBe(7);
    expect(err.protocolName).toBe('MQTT');
    expect(err.reasonCode).toBe(0x84);
  });

  it('an invalid protocol name exposes the level', () => {
    const err = decodeError(
      new PacketDecoder({ role: 'server' }),
      encode(connect(4, { protocolName: 'HTTP' }), 4),
    );
    expect(err.code).toBe('INVALID_PROTOCOL_NAME');
    expect(err.protocolLevel).toBe(4);
  });

  it('raw holds the offending packet only', () => {
    const decoder = new PacketDecoder({ role: 'server' });
    decoder.push(encode(connectFor(4), 4));
    const bad = encode(publish('a/#'), 4);
    const err = decodeError(decoder, Buffer.concat([encode({ type: 'pingreq' }, 4), bad]));
    expect(err.raw).toEqual(bad);
  });

  it('the stream is dead after an error', () => {
    const decoder = new PacketDecoder({ role: 'server' });
    const first = decodeError(decoder, h('c0 00'));
    expect(() => decoder.push(encode(connectFor(4), 4))).toThrow(first);
  });

  it('a too-large packet is rejected from its fixed header, before the body arrives', () => {
    const decoder = new PacketDecoder({ role: 'server', maxPacketSize: 1000 });
    decoder.push(encode(connectFor(5), 5));
    const err = decodeError(decoder, h('30 ff ff 03'));
    expect(err.code).toBe('PACKET_TOO_LARGE');
  });
});

describe('accepted edge cases', () => {
  it('v5 accepts a password without a user name', () => {
    const decoder = new PacketDecoder({ role: 'server' });
    const packet = connect(5, { password: Buffer.from('p') });
    expect(decoder.push(encode(packet, 5))).toEqual([packet]);
  });

  it('v5 accepts an empty topic with a Topic Alias', () => {
    const decoder = new PacketDecoder({ role: 'server' });
    decoder.push(encode(connectFor(5), 5));
    const packet: Packet = { ...publish(''), properties: { topicAlias: 3 } } as Packet;
    expect(decoder.push(encode(packet, 5))).toEqual([packet]);
  });

  it('keeps U+FEFF in strings', () => {
    const decoder = new PacketDecoder({ role: 'server' });
    decoder.push(encode(connectFor(4), 4));
    const [packet] = decoder.push(encode(publish('\uFEFFa'), 4));
    expect(packet).toMatchObject({ topic: '\uFEFFa' });
  });

  it('a client-role decoder without a version infers it from CONNACK', () => {
    const v4 = new PacketDecoder({ role: 'client' });
    v4.push(encode({ type: 'connack', sessionPresent: false, reasonCode: 0 }, 4));
    expect(v4.version).toBe(4);
    const v5 = new PacketDecoder({ role: 'client' });
    v5.push(encode({ type: 'connack', sessionPresent: false, reasonCode: 0 }, 5));
    expect(v5.version).toBe(5);
  });

  it('the server-role decoder takes its version from CONNECT', () => {
    const decoder = new PacketDecoder({ role: 'server' });
    expect(decoder.version).toBeUndefined();
    decoder.push(encode(connectFor(3), 3));
    expect(decoder.version).toBe(3);
  });
});
