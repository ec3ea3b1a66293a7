// The encoder honours every EncodeOverrides field, byte for byte.
import { describe, expect, it } from 'vitest';
import { encode } from '../../wire/index.js';
import type { Packet } from '../../wire/index.js';

const ping: Packet = { type: 'pingreq' };
const puback: Packet = { type: 'puback', packetId: 0x0102 };
const connect: Packet = {
  type: 'connect',
  protocolName: 'MQTT',
  protocolLevel: 5,
  cleanStart: true,
  keepAlive: 0,
  clientId: 'c',
  will: { topic: 'w', payload: Buffer.from('p'), qos: 1, retain: false },
};
const subscribe: Packet = {
  type: 'subscribe',
  packetId: 1,
  subscriptions: [
    { topicFilter: 'a', qos: 1 },
    { topicFilter: 'b', qos: 2 },
  ],
};
const hexOf = (b: Buffer) => b.toString('hex');

describe('EncodeOverrides', () => {
  it('flags replaces the low nibble', () => {
    expect(hexOf(encode(ping, 4, { flags: 0x0f }))).toBe('cf00');
  });

  it('typeCode replaces the packet type', () => {
    expect(hexOf(encode(ping, 4, { typeCode: 0 }))).toBe('0000');
    expect(hexOf(encode(ping, 4, { typeCode: 15, flags: 0 }))).toBe('f000');
  });

  it('remainingLength is written while the body stays unchanged', () => {
    expect(hexOf(encode(puback, 4, { remainingLength: 5 }))).toBe('40050102');
    expect(hexOf(encode(puback, 4, { remainingLength: 200 }))).toBe('40c8010102');
  });

  it('remainingLengthBytes pads the variable byte integer', () => {
    expect(hexOf(encode(puback, 4, { remainingLengthBytes: 4 }))).toBe('40828080000102');
    expect(hexOf(encode(ping, 4, { remainingLengthBytes: 5 }))).toBe('c08080808000');
  });

  it('connectFlags replaces the whole flags byte', () => {
    const bytes = encode(connect, 5, { connectFlags: 0xff });
    expect(bytes[9]).toBe(0xff);
  });

  it('rawProperties and rawWillProperties replace the property blocks, with a computed length', () => {
    const bytes = encode(connect, 5, {
      rawProperties: Buffer.from('2100', 'hex'),
      rawWillProperties: Buffer.from('01', 'hex'),
    });
    // header(2) name(6) level flags keepalive(4): properties start at offset 12
    expect(hexOf(bytes.subarray(12, 15))).toBe('022100');
    // client id 'c' (3 bytes), then will properties
    expect(hexOf(bytes.subarray(18, 20))).toBe('0101');
    expect(hexOf(encode(puback, 5, { rawProperties: Buffer.from('7f', 'hex') }))).toBe('4005010200017f');
  });

  it('subscriptionOptions replaces option bytes by index', () => {
    const bytes = encode(subscribe, 4, { subscriptionOptions: [0xc1] });
    expect(hexOf(bytes)).toBe('820a0001' + '000161c1' + '00016202');
  });

  it('trailing bytes are counted in the remaining length', () => {
    expect(hexOf(encode(puback, 4, { trailing: Buffer.from('aabb', 'hex') }))).toBe('40040102aabb');
  });

  it('body replaces the variable header and payload', () => {
    expect(hexOf(encode(puback, 4, { body: Buffer.from('ff', 'hex') }))).toBe('4001ff');
  });

  it('rawStrings writes arbitrary bytes in string fields', () => {
    const pub: Packet = {
      type: 'publish',
      topic: 'ok',
      payload: Buffer.alloc(0),
      qos: 0,
      retain: false,
      dup: false,
    };
    expect(hexOf(encode(pub, 4, { rawStrings: { topic: Buffer.from('eda080', 'hex') } }))).toBe(
      '30050003eda080',
    );
    const sub = encode(subscribe, 4, { rawStrings: { topicFilters: [undefined, Buffer.from('00', 'hex')] } });
    expect(hexOf(sub)).toBe('820a0001' + '00016101' + '00010002');
    const conn = encode({ ...connect, protocolLevel: 4, username: 'u' } as Packet, 4, {
      rawStrings: {
        protocolName: Buffer.from('MQTX'),
        clientId: Buffer.from('c0', 'hex'),
        willTopic: Buffer.alloc(0),
        username: Buffer.from('ff', 'hex'),
      },
    });
    expect(conn.subarray(2, 8).toString('latin1')).toBe('\u0000\u0004MQTX');
    expect(hexOf(conn.subarray(12))).toBe('0001c0' + '0000' + '000170' + '0001ff');
  });

  it('an empty overrides object encodes the packet correctly', () => {
    expect(encode(connect, 5, {})).toEqual(encode(connect, 5));
  });
});
