// The broker model on its own: actions and observations fed by hand, no broker.
import { describe, expect, it } from 'vitest';
import { BrokerModel, type Action } from '../../harness/model/index.js';
import type { Packet } from '../../wire/index.js';

const options = { version: '3.1.1' as const, graceMs: 100, toleranceMs: 50 };
const autoAck = { a: true, b: true, c: true };

function connack(sessionPresent = false): Packet {
  return { type: 'connack', sessionPresent, reasonCode: 0 };
}

function publish(topic: string, payload: string, fields: Partial<Packet & { type: 'publish' }> = {}): Packet {
  return {
    type: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos: 0,
    retain: false,
    dup: false,
    ...fields,
  };
}

/** Runs connect a, connect b and the given actions, answering each CONNACK and SUBACK as given. */
function setUp(model: BrokerModel, actions: Action[]): void {
  let t = 0;
  actions.forEach((action, index) => {
    model.act(index, action, { packetId: 1 }, (t += 1));
    if (action.do === 'connect') expect(model.onPacket(action.client, connack(), 10, t)).toBeUndefined();
    if (action.do === 'subscribe')
      expect(
        model.onPacket(action.client, { type: 'suback', packetId: 1, reasonCodes: [action.qos] }, 5, t),
      ).toBeUndefined();
  });
}

describe('broker model', () => {
  it('requires a QoS 1 message for a subscriber, at the granted QoS', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/+', qos: 0 },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 1, retain: false },
    ]);
    expect(model.onPacket('b', { type: 'puback', packetId: 1 }, 4, 5)).toBeUndefined();
    const wrong = model.onPacket('a', publish('~/t/a', 'm3', { qos: 1, packetId: 9 }), 20, 6);
    expect(wrong?.rule).toBe('granted-qos');
    expect(wrong?.statements).toEqual(['MQTT-3.8.4-6']);
  });

  it('reports a missing delivery once it is due, naming the rule', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/#', qos: 1 },
      { do: 'publish', client: 'b', topic: '~/t/b', qos: 0, retain: false },
    ]);
    expect(model.check(50)).toBeUndefined();
    expect(model.check(500)?.rule).toBe('deliver-to-subscribers');
  });

  it('allows a QoS 0 message for an offline session to be lost, requires QoS 1 on resume', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: false },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/a', qos: 1 },
      { do: 'drop', client: 'a' },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 0, retain: false },
    ]);
    model.act(5, { do: 'publish', client: 'b', topic: '~/t/a', qos: 1, retain: false }, { packetId: 2 }, 10);
    model.onPacket('b', { type: 'puback', packetId: 2 }, 4, 11);
    model.act(6, { do: 'connect', client: 'a', clean: false }, {}, 12);
    expect(model.onPacket('a', connack(true), 5, 13)).toBeUndefined();
    expect(model.check(1000)?.message).toContain("'m5'");
  });

  it('names the clean-session rule for a message of a discarded session', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: false },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/a', qos: 1 },
      { do: 'drop', client: 'a' },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 1, retain: false },
    ]);
    model.onPacket('b', { type: 'puback', packetId: 1 }, 4, 6);
    model.act(5, { do: 'connect', client: 'a', clean: true }, {}, 7);
    const present = model.onPacket('a', connack(true), 5, 8);
    expect(present?.rule).toBe('session-present');
  });

  it('lets the copy for an overlapping subscription without an identifier carry none (5.0)', () => {
    const model = new BrokerModel({ autoAck }, { ...options, version: '5.0' });
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/+', qos: 0, subscriptionId: 1 },
      { do: 'subscribe', client: 'a', filter: '~/t/a', qos: 0 },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 0, retain: false },
    ]);
    expect(model.onPacket('a', publish('~/t/a', 'm4'), 20, 6)).toBeUndefined();
    const withId = publish('~/t/a', 'm4', { properties: { subscriptionIdentifier: [1] } });
    expect(model.onPacket('a', withId, 20, 7)).toBeUndefined();
  });

  it('requires the identifier when every matching subscription has one (5.0)', () => {
    const model = new BrokerModel({ autoAck }, { ...options, version: '5.0' });
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/+', qos: 0, subscriptionId: 1 },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 0, retain: false },
    ]);
    expect(model.onPacket('a', publish('~/t/a', 'm3'), 20, 6)?.rule).toBe('subscription-identifiers');
  });

  it('waits for a copy at the highest QoS of overlapping subscriptions until it is due', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/a', qos: 0 },
      { do: 'subscribe', client: 'a', filter: '~/t/+', qos: 1 },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 1, retain: false },
    ]);
    expect(model.onPacket('b', { type: 'puback', packetId: 1 }, 4, 6)).toBeUndefined();
    expect(model.onPacket('a', publish('~/t/a', 'm4'), 20, 7)).toBeUndefined();
    expect(model.pendingRequirements()).toBe(true);
    expect(model.lastDue()).toBeGreaterThan(7);
    expect(model.check(500)?.rule).toBe('overlapping-qos');
  });

  it('names the violation when a QoS 3 PUBLISH is acknowledged instead of closed', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'violate', client: 'a', kind: 'qos3' },
    ]);
    const found = model.onPacket('a', { type: 'puback', packetId: 1 }, 4, 5);
    expect(found?.rule).toBe('qos3-publish');
    expect(found?.statements).toEqual(['MQTT-3.3.1-4']);
    expect(found?.check).toEqual({ kind: 'closed', client: 'a' });
  });

  it('reads the Maximum QoS of the CONNACK: SUBACK above it, a will above it, no publish above it (5.0)', () => {
    const model = new BrokerModel({ autoAck }, { ...options, version: '5.0' });
    model.act(0, { do: 'connect', client: 'a', clean: true }, {}, 1);
    const limited: Packet = {
      type: 'connack',
      sessionPresent: false,
      reasonCode: 0,
      properties: { maximumQoS: 1 },
    };
    expect(model.onPacket('a', limited, 10, 2)).toBeUndefined();
    expect(model.applicable({ do: 'publish', client: 'a', topic: '~/t/a', qos: 2, retain: false })).toBe(
      false,
    );
    model.act(1, { do: 'subscribe', client: 'a', filter: '~/t/a', qos: 2 }, { packetId: 1 }, 3);
    const granted = model.onPacket('a', { type: 'suback', packetId: 1, reasonCodes: [2] }, 5, 4);
    expect(granted?.rule).toBe('maximum-qos-granted');
    expect(granted?.statements).toEqual(['MQTT-3.2.2-10']);
    const will = { topic: '~/w', qos: 2 as const, retain: false };
    model.act(2, { do: 'connect', client: 'b', clean: true, will }, {}, 5);
    const accepted = model.onPacket('b', connack(), 10, 6);
    expect(accepted?.rule).toBe('will-qos-maximum');
    expect(accepted?.statements).toEqual(['MQTT-3.2.2-12']);
  });

  it('lets a clean start end a session with a delayed will: the will may come at once (5.0)', () => {
    const model = new BrokerModel({ autoAck }, { ...options, version: '5.0' });
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/w', qos: 0 },
      {
        do: 'connect',
        client: 'b',
        clean: false,
        sessionExpiry: 300,
        will: { topic: '~/w', qos: 0, retain: false, delay: 2 },
      },
      { do: 'drop', client: 'b' },
    ]);
    expect(model.onPacket('a', publish('~/w', 'will-b2'), 20, 6)?.rule).toBe('will-delay');
    // The will may come while the server handles the CONNECT, before its CONNACK.
    model.act(4, { do: 'connect', client: 'b', clean: true }, {}, 7);
    expect(model.onPacket('a', publish('~/w', 'will-b2'), 20, 8)).toBeUndefined();
  });

  it('with an ACL: a denied PUBLISH must be acknowledged or closed, and not delivered (3.1.1)', () => {
    const acl = { deniedTopics: ['~/x'], deniedFilters: [] };
    const model = new BrokerModel({ autoAck }, { ...options, acl });
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/#', qos: 1 },
      { do: 'publish', client: 'b', topic: '~/x', qos: 1, retain: false },
    ]);
    const late = model.check(500);
    expect(late?.rule).toBe('unauthorized-publish');
    expect(late?.statements).toEqual(['MQTT-3.3.5-2']);
    expect(model.onPacket('a', publish('~/x', 'm3', { qos: 1, packetId: 4 }), 20, 6)?.rule).toBe(
      'unauthorized-publish',
    );
  });

  it('with an ACL: the Packet Identifier of a refused QoS 2 PUBLISH starts a new message (5.0)', () => {
    const acl = { deniedTopics: ['~/x'], deniedFilters: [] };
    const model = new BrokerModel({ autoAck }, { ...options, version: '5.0', acl });
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/#', qos: 1 },
    ]);
    model.act(3, { do: 'publish', client: 'b', topic: '~/x', qos: 2, retain: false }, { packetId: 7 }, 5);
    expect(model.onPacket('b', { type: 'pubrec', packetId: 7, reasonCode: 0x87 }, 5, 6)).toBeUndefined();
    expect(model.check(50)).toBeUndefined(); // no PUBCOMP owed after a refusal
    model.act(4, { do: 'publish', client: 'b', topic: '~/t/a', qos: 2, retain: false }, { packetId: 7 }, 7);
    expect(model.onPacket('b', { type: 'pubrec', packetId: 7 }, 5, 8)).toBeUndefined();
    expect(model.onPacket('b', { type: 'pubcomp', packetId: 7 }, 5, 9)).toBeUndefined();
    const missing = model.check(500);
    expect(missing?.rule).toBe('refused-packet-id');
    expect(missing?.statements).toEqual(['MQTT-4.3.3-9']);
  });

  it('expects every unacknowledged copy of overlapping subscriptions again with DUP 1 on resume', () => {
    const model = new BrokerModel(
      { autoAck: { a: false, b: true, c: true } },
      { ...options, version: '5.0' },
    );
    setUp(model, [
      { do: 'connect', client: 'a', clean: false, sessionExpiry: 300 },
      { do: 'connect', client: 'b', clean: true },
      { do: 'subscribe', client: 'a', filter: '~/t/a', qos: 1 },
      { do: 'subscribe', client: 'a', filter: '~/t/+', qos: 1 },
      { do: 'publish', client: 'b', topic: '~/t/a', qos: 1, retain: false },
    ]);
    expect(model.onPacket('b', { type: 'puback', packetId: 1 }, 4, 6)).toBeUndefined();
    expect(model.onPacket('a', publish('~/t/a', 'm4', { qos: 1, packetId: 1 }), 20, 7)).toBeUndefined();
    expect(model.onPacket('a', publish('~/t/a', 'm4', { qos: 1, packetId: 2 }), 20, 8)).toBeUndefined();
    model.act(5, { do: 'drop', client: 'a' }, {}, 9);
    model.act(6, { do: 'connect', client: 'a', clean: false, sessionExpiry: 300 }, {}, 10);
    expect(model.onPacket('a', connack(true), 10, 11)).toBeUndefined();
    const again = (id: number, t: number) =>
      model.onPacket('a', publish('~/t/a', 'm4', { qos: 1, packetId: id, dup: true }), 20, t);
    expect(again(1, 12)).toBeUndefined();
    expect(again(2, 13)).toBeUndefined();
  });

  it('does not require on resume a retained copy whose value a retained will may have replaced', () => {
    const model = new BrokerModel({ autoAck }, options);
    setUp(model, [
      { do: 'connect', client: 'a', clean: true },
      { do: 'connect', client: 'b', clean: true, will: { topic: '~/t/a', qos: 0, retain: true } },
      { do: 'publish', client: 'a', topic: '~/t/a', qos: 1, retain: true },
      { do: 'drop', client: 'b' },
      { do: 'connect', client: 'c', clean: false },
      { do: 'subscribe', client: 'c', filter: '~/t/a', qos: 1 },
      { do: 'drop', client: 'c' },
    ]);
    expect(model.onPacket('a', { type: 'puback', packetId: 1 }, 4, 8)).toBeUndefined();
    model.act(7, { do: 'connect', client: 'c', clean: false }, {}, 9);
    expect(model.onPacket('c', connack(true), 10, 10)).toBeUndefined();
    expect(model.check(5000)).toBeUndefined();
  });
});
