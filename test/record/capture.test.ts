// What the recording proxy keeps of a byte stream: packets framed across arbitrary chunk splits and
// decoded by the strict decoder; a malformed packet kept as its exact bytes while decoding goes on;
// bytes that cannot be framed kept as they are; each side's end.
import { describe, expect, it } from 'vitest';
import { encode } from '../../wire/index.js';
import { connect, FakeSession, publish } from './helpers.js';

describe('ConnectionCapture', () => {
  it('frames packets split at every byte and decodes both sides', () => {
    const session = new FakeSession();
    const id = session.open();
    const bytes = Buffer.concat([
      encode(connect('dev'), 4),
      encode(publish('a/b', 'hello', { qos: 1, packetId: 7 }), 4),
    ]);
    for (const byte of bytes) session.bytes(id, 'client', Buffer.from([byte]), 0);
    session.packet(id, 'broker', { type: 'connack', sessionPresent: false, reasonCode: 0 });
    const kinds = session.events.map((e) => (e.kind === 'packet' ? `${e.from}:${e.packet.type}` : e.kind));
    expect(kinds).toEqual(['client:connect', 'client:publish', 'broker:connack']);
    expect(session.connections[0]).toMatchObject({ clientId: 'dev', level: 4 });
  });

  it('keeps a malformed packet as its exact bytes and decodes the next one', () => {
    const session = new FakeSession();
    const id = session.open();
    session.packet(id, 'client', connect('dev'));
    const bad = encode({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 't', qos: 0 }] }, 4, {
      flags: 0,
    });
    session.bytes(id, 'client', Buffer.concat([bad, encode({ type: 'pingreq' }, 4)]));
    const [, malformed, ping] = session.events;
    expect(malformed).toMatchObject({ kind: 'malformed', from: 'client' });
    expect(malformed?.kind === 'malformed' && malformed.raw.equals(bad)).toBe(true);
    expect(malformed?.kind === 'malformed' && malformed.error).toMatch(/reserved flags/);
    expect(ping?.kind === 'packet' && ping.packet.type).toBe('pingreq');
  });

  it('keeps bytes that cannot be framed as they come, and an incomplete packet at the end', () => {
    const session = new FakeSession();
    const id = session.open();
    session.packet(id, 'client', connect('dev'));
    session.bytes(id, 'client', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    session.bytes(id, 'client', Buffer.from([0x02]));
    const second = session.open();
    session.packet(second, 'client', connect('other'));
    session.bytes(second, 'client', Buffer.from([0x30, 0x05, 0x00]));
    session.end(second, 'client', 'reset');
    const raw = session.events
      .filter((e) => e.kind === 'malformed')
      .map((e) => (e.kind === 'malformed' ? e.raw.toString('hex') : ''));
    expect(raw).toEqual(['30ffffffff01', '02', '300500']);
    expect(session.events.at(-1)).toMatchObject({ kind: 'end', from: 'client', how: 'reset' });
  });

  it('decodes the broker side with the CONNECT version (a v5 CONNACK with properties)', () => {
    const session = new FakeSession();
    const id = session.open();
    session.packet(id, 'client', connect('', { protocolLevel: 5 }), 5);
    session.packet(
      id,
      'broker',
      {
        type: 'connack',
        sessionPresent: false,
        reasonCode: 0,
        properties: { assignedClientIdentifier: 'auto-1' },
      },
      5,
    );
    const connack = session.events[1];
    expect(connack?.kind === 'packet' && connack.packet).toMatchObject({
      properties: { assignedClientIdentifier: 'auto-1' },
    });
  });
});
