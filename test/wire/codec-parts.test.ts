// Unit tests of the building blocks: variable byte integers, strict UTF-8, reason codes, JSON evidence.
import { describe, expect, it } from 'vitest';
import {
  PROPERTY_TABLE,
  ReasonCode,
  checkMqttUtf8,
  hex,
  packetToJSON,
  reasonCodeName,
  varintSize,
} from '../../wire/index.js';
import { readVarint, writeVarint, writeVarintFixed } from '../../wire/varint.js';

describe('variable byte integer', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [16_383, 'ff7f'],
    [16_384, '808001'],
    [2_097_151, 'ffff7f'],
    [2_097_152, '80808001'],
    [268_435_455, 'ffffff7f'],
  ])('%i <-> %s', (value, encoded) => {
    const buf = Buffer.alloc(4);
    const end = writeVarint(buf, 0, value);
    expect(buf.subarray(0, end).toString('hex')).toBe(encoded);
    expect(varintSize(value)).toBe(end);
    expect(readVarint(buf, 0, end)).toEqual({ ok: true, value, next: end });
  });

  it('rejects five bytes, non-minimal forms and reports incomplete input', () => {
    expect(readVarint(Buffer.from('ffffffff01', 'hex'), 0, 5)).toEqual({ ok: false, reason: 'too-long' });
    expect(readVarint(Buffer.from('8000', 'hex'), 0, 2)).toEqual({ ok: false, reason: 'non-minimal' });
    expect(readVarint(Buffer.from('ff', 'hex'), 0, 1)).toEqual({ ok: false, reason: 'incomplete' });
  });

  it('writes padded encodings on request', () => {
    const buf = Buffer.alloc(4);
    expect(writeVarintFixed(buf, 0, 5, 3)).toBe(3);
    expect(buf.subarray(0, 3).toString('hex')).toBe('858000');
  });
});

describe('strict UTF-8', () => {
  const check = (hexBytes: string) => {
    const b = Buffer.from(hexBytes, 'hex');
    return checkMqttUtf8(b, 0, b.length);
  };
  it.each([
    ['', undefined],
    ['61', undefined],
    ['c3a9', undefined], // é
    ['efbbbf', undefined], // U+FEFF is kept
    ['f09f9880', undefined], // U+1F600
    ['00', 'null-character'],
    ['ff', 'ill-formed'],
    ['c080', 'ill-formed'], // overlong U+0000
    ['e08080', 'ill-formed'], // overlong
    ['eda080', 'ill-formed'], // U+D800
    ['edbfbf', 'ill-formed'], // U+DFFF
    ['f4908080', 'ill-formed'], // above U+10FFFF
    ['c3', 'ill-formed'], // truncated
  ])('%s -> %s', (bytes, expected) => {
    expect(check(bytes)).toBe(expected);
  });
});

describe('reason codes and properties', () => {
  it('names reason codes by packet', () => {
    expect(reasonCodeName(ReasonCode.PacketTooLarge)).toBe('Packet too large');
    expect(reasonCodeName(0, 'disconnect')).toBe('Normal disconnection');
    expect(reasonCodeName(0, 'suback')).toBe('Granted QoS 0');
    expect(reasonCodeName(0x01)).toBe('Granted QoS 1');
  });

  it('lists each of the 27 v5 properties once', () => {
    expect(PROPERTY_TABLE).toHaveLength(27);
    expect(new Set(PROPERTY_TABLE.map((p) => p.id)).size).toBe(27);
  });
});

describe('evidence helpers', () => {
  it('hex dumps bytes', () => {
    expect(hex(Buffer.from([0x30, 0x05, 0x00]))).toBe('30 05 00');
  });

  it('renders Buffers as hex and UTF-8', () => {
    const json = packetToJSON({
      type: 'publish',
      topic: 't',
      payload: Buffer.from('hi'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { correlationData: Buffer.from([0xff]) },
    });
    expect(json).toEqual({
      type: 'publish',
      topic: 't',
      payload: { hex: '6869', utf8: 'hi' },
      qos: 0,
      retain: false,
      dup: false,
      properties: { correlationData: { hex: 'ff' } },
    });
    expect(() => JSON.stringify(json)).not.toThrow();
  });
});
