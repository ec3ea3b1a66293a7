// Round trip: encode -> strict decode gives back the same packet, for every packet type and version.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketDecoder, encode } from '../../wire/index.js';
import type { Packet, ProtocolLevel } from '../../wire/index.js';
import {
  VERSIONS,
  clientPacketArb,
  connackArb,
  connectArb,
  connectFor,
  serverPacketArb,
} from './arbitraries.js';

function decodeFromClient(packet: Packet, version: ProtocolLevel): Packet[] {
  const decoder = new PacketDecoder({ role: 'server' });
  if (packet.type !== 'connect') decoder.push(encode(connectFor(version), version));
  return decoder.push(encode(packet, version));
}

function decodeFromServer(packet: Packet, version: ProtocolLevel): Packet[] {
  const decoder = new PacketDecoder({ role: 'client', version });
  return decoder.push(encode(packet, version));
}

describe.each(VERSIONS)('round trip, protocol level %i', (version) => {
  it('CONNECT', () => {
    fc.assert(
      fc.property(connectArb(version), (packet) => {
        expect(decodeFromClient(packet, version)).toEqual([packet]);
      }),
      { numRuns: 150 },
    );
  });

  it('CONNACK', () => {
    fc.assert(
      fc.property(connackArb(version), (packet) => {
        expect(decodeFromServer(packet, version)).toEqual([packet]);
      }),
      { numRuns: 100 },
    );
  });

  it('packets a client sends', () => {
    fc.assert(
      fc.property(clientPacketArb(version), (packet) => {
        expect(decodeFromClient(packet, version)).toEqual([packet]);
      }),
      { numRuns: 250 },
    );
  });

  it('packets a server sends', () => {
    fc.assert(
      fc.property(serverPacketArb(version), (packet) => {
        expect(decodeFromServer(packet, version)).toEqual([packet]);
      }),
      { numRuns: 250 },
    );
  });
});

describe('known encodings', () => {
  it('PINGREQ is c0 00', () => {
    expect(encode({ type: 'pingreq' }, 4).toString('hex')).toBe('c000');
  });

  it('3.1.1 CONNECT: name, level, flags, keep alive, client id', () => {
    const bytes = encode(
      {
        type: 'connect',
        protocolName: 'MQTT',
        protocolLevel: 4,
        cleanStart: true,
        keepAlive: 10,
        clientId: 'a',
      },
      4,
    );
    expect(bytes.toString('hex')).toBe('100d' + '00044d515454' + '04' + '02' + '000a' + '000161');
  });

  it('v5 CONNECT carries an empty property length', () => {
    const bytes = encode(
      {
        type: 'connect',
        protocolName: 'MQTT',
        protocolLevel: 5,
        cleanStart: false,
        keepAlive: 0,
        clientId: '',
      },
      5,
    );
    // name, level 5, flags 0, keep alive 0, property length 0, empty client id
    expect(bytes.toString('hex')).toBe('100d' + '00044d515454' + '05' + '00' + '0000' + '00' + '0000');
  });

  it('v5 PUBACK with success and no properties is two bytes of body', () => {
    expect(encode({ type: 'puback', packetId: 7 }, 5).toString('hex')).toBe('40020007');
    expect(encode({ type: 'puback', packetId: 7, reasonCode: 0x10 }, 5).toString('hex')).toBe('4003000710');
  });

  it('PUBLISH QoS 1 header flags and packet id', () => {
    const bytes = encode(
      {
        type: 'publish',
        topic: 'a/b',
        payload: Buffer.from('hi'),
        qos: 1,
        retain: true,
        dup: true,
        packetId: 1,
      },
      4,
    );
    expect(bytes.toString('hex')).toBe('3b09' + '0003612f62' + '0001' + '6869');
  });

  it('MQTT 3.1 CONNECT uses MQIsdp', () => {
    const bytes = encode(connectFor(3), 3);
    expect(bytes.subarray(2, 10).toString('latin1')).toBe('\u0000\u0006MQIsdp');
    expect(bytes[10]).toBe(3);
  });

  it('a large PUBLISH uses a multi-byte remaining length', () => {
    const payload = Buffer.alloc(200_000, 7);
    const packet: Packet = { type: 'publish', topic: 't', payload, qos: 0, retain: false, dup: false };
    const bytes = encode(packet, 5);
    // remaining length 200004 = 68 + 26 * 128 + 12 * 128^2
    expect(bytes.subarray(0, 4).toString('hex')).toBe('30' + 'c4' + '9a' + '0c');
    expect(decodeFromClient(packet, 5)).toEqual([packet]);
  });
});
