// Persistent sessions: subscriptions and queued QoS 1/2 messages survive a reconnect; clean start drops them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './helpers/target.js';
import { connectClient, settle, uniqueId } from './helpers/mqttjs.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const persistent = (protocolVersion: 4 | 5, clientId: string, clean = false) =>
  protocolVersion === 5
    ? { protocolVersion, clientId, clean, properties: { sessionExpiryInterval: 300 } }
    : { protocolVersion, clientId, clean };

describe.each([4, 5] as const)('persistent session, MQTT.js protocolVersion %i', (protocolVersion) => {
  it('queues QoS 1 and 2 messages while offline and delivers them on reconnect [MQTT-3.1.2-5]', async () => {
    const clientId = uniqueId(`persist-${protocolVersion}`);
    const topic = `session/${protocolVersion}/queued`;
    const first = await connectClient(target.url, persistent(protocolVersion, clientId));
    await first.subscribe(topic, { qos: 2 });
    await first.end();
    // first.end() sent DISCONNECT: the session stays (clean session 0 / session expiry 300 s)
    const pub = await connectClient(target.url, { protocolVersion });
    for (let i = 0; i < 5; i++) await pub.publish(topic, `q1-${i}`, { qos: 1 });
    await pub.publish(topic, 'q2', { qos: 2 });
    await pub.publish(topic, 'q0-may-be-dropped', { qos: 0 });
    await pub.end();
    const second = await connectClient(target.url, persistent(protocolVersion, clientId));
    try {
      expect(second.client.connected).toBe(true);
      await second.waitFor((m) => m.payload === 'q2', 'queued QoS 2 message');
      const payloads = second.messages.map((m) => m.payload).filter((p) => p.startsWith('q1') || p === 'q2');
      expect(payloads).toEqual(['q1-0', 'q1-1', 'q1-2', 'q1-3', 'q1-4', 'q2']);
    } finally {
      await second.end();
    }
  });

  it('reports session present on resume [MQTT-3.2.2-2] and not after clean start [MQTT-3.2.2-1]', async () => {
    const clientId = uniqueId(`present-${protocolVersion}`);
    const first = await connectClient(target.url, persistent(protocolVersion, clientId));
    await first.subscribe(`session/${protocolVersion}/present`, { qos: 1 });
    await first.end();
    const flags: boolean[] = [];
    for (const clean of [false, true]) {
      const c = await connectClientWithConnack(target.url, persistent(protocolVersion, clientId, clean));
      flags.push(c.sessionPresent);
      await c.end();
    }
    // resumed (clean=false) → true; clean start → false
    expect(flags).toEqual([true, false]);
  });

  it('a clean start discards the old subscriptions [MQTT-3.1.2-6]', async () => {
    const clientId = uniqueId(`discard-${protocolVersion}`);
    const topic = `session/${protocolVersion}/discard`;
    const first = await connectClient(target.url, persistent(protocolVersion, clientId));
    await first.subscribe(topic, { qos: 1 });
    await first.end();
    const second = await connectClient(target.url, persistent(protocolVersion, clientId, true));
    const pub = await connectClient(target.url, { protocolVersion });
    try {
      await pub.publish(topic, 'nobody', { qos: 1 });
      await settle(400);
      expect(second.messages).toHaveLength(0);
    } finally {
      await Promise.all([second.end(), pub.end()]);
    }
  });
});

describe('session takeover', () => {
  it('a second connection with the same client id closes the first [MQTT-3.1.4-3]', async () => {
    const first = await connectClient(target.url, { protocolVersion: 5, clientId: 'takeover' });
    const closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
    const second = await connectClient(target.url, { protocolVersion: 5, clientId: 'takeover' });
    try {
      await closed;
      expect(second.client.connected).toBe(true);
    } finally {
      await Promise.all([first.end(true), second.end()]);
    }
  });
});

async function connectClientWithConnack(
  url: string,
  options: Parameters<typeof connectClient>[1],
): Promise<{ sessionPresent: boolean; end(): Promise<void> }> {
  const mqtt = (await import('mqtt')).default;
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  const sessionPresent = await new Promise<boolean>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no CONNACK within 5 s')), 6000);
    client.once('connect', (connack) => {
      clearTimeout(timer);
      resolve(connack.sessionPresent);
    });
    client.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return { sessionPresent, end: () => client.endAsync() };
}
