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
});
