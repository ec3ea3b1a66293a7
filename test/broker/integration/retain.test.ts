// Retained messages: stored, delivered to later subscribers with RETAIN set, replaced, cleared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './helpers/target.js';
import { connectClient, settle } from './helpers/mqttjs.js';
import { HAVE_MOSQUITTO_CLIENTS, mosquittoPub, mosquittoSub } from './helpers/mosquitto-clients.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

describe.each([4, 5] as const)('retained, MQTT.js protocolVersion %i', (protocolVersion) => {
  it('a new subscriber gets the last retained message with RETAIN set [MQTT-3.3.1-6] [MQTT-3.3.1-5]', async () => {
    const topic = `retain/${protocolVersion}/last`;
    const pub = await connectClient(target.url, { protocolVersion });
    await pub.publish(topic, 'first', { qos: 1, retain: true });
    await pub.publish(topic, 'second', { qos: 1, retain: true });
    await pub.end();
    const sub = await connectClient(target.url, { protocolVersion });
    try {
      await sub.subscribe(`retain/${protocolVersion}/+`, { qos: 1 });
      const message = await sub.waitFor((m) => m.topic === topic, 'retained message');
      expect(message.payload).toBe('second');
      expect(message.packet.retain).toBe(true);
      await settle();
      expect(sub.messages.filter((m) => m.topic === topic)).toHaveLength(1);
    } finally {
      await sub.end();
    }
  });

  it('a live message to an existing subscriber has RETAIN clear [MQTT-3.3.1-9]', async () => {
    const topic = `retain/${protocolVersion}/live`;
    const sub = await connectClient(target.url, { protocolVersion });
    const pub = await connectClient(target.url, { protocolVersion });
    try {
      await sub.subscribe(topic, { qos: 1 });
      await pub.publish(topic, 'live', { qos: 1, retain: true });
      const message = await sub.waitFor((m) => m.topic === topic, 'live message');
      expect(message.packet.retain).toBe(false);
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });

  it('an empty retained payload clears the topic [MQTT-3.3.1-10] [MQTT-3.3.1-11]', async () => {
    const topic = `retain/${protocolVersion}/cleared`;
    const pub = await connectClient(target.url, { protocolVersion });
    await pub.publish(topic, 'keep?', { qos: 1, retain: true });
    await pub.publish(topic, '', { qos: 1, retain: true });
    await pub.end();
    const sub = await connectClient(target.url, { protocolVersion });
    try {
      await sub.subscribe(topic, { qos: 1 });
      await settle(400);
      expect(sub.messages).toHaveLength(0);
    } finally {
      await sub.end();
    }
  });
});

describe('retain handling and retain-as-published (v5)', () => {
  it('retain handling 2 sends no retained messages; 0 does [MQTT-3.8.4-10]', async () => {
    const topic = 'retain/rh/topic';
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    await pub.publish(topic, 'stored', { qos: 1, retain: true });
    await pub.end();
    const quiet = await connectClient(target.url, { protocolVersion: 5 });
    const loud = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await quiet.subscribe(topic, { qos: 1, rh: 2 });
      await loud.subscribe(topic, { qos: 1, rh: 0 });
      await loud.waitFor((m) => m.topic === topic, 'retained with rh=0');
      await settle();
      expect(quiet.messages).toHaveLength(0);
    } finally {
      await Promise.all([quiet.end(), loud.end()]);
    }
  });

  it('retain-as-published keeps RETAIN on live delivery [MQTT-3.3.1-13]', async () => {
    const topic = 'retain/rap/topic';
    const sub = await connectClient(target.url, { protocolVersion: 5 });
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await sub.subscribe(topic, { qos: 1, rap: true });
      await pub.publish(topic, 'x', { qos: 1, retain: true });
      const message = await sub.waitFor((m) => m.topic === topic, 'rap message');
      expect(message.packet.retain).toBe(true);
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });
});

describe.runIf(HAVE_MOSQUITTO_CLIENTS)('retained with mosquitto clients', () => {
  it('mosquitto_pub -r then mosquitto_sub receives it', async () => {
    const pub = await mosquittoPub(target.port, 'retain/mosq', 'kept', ['-r', '-q', '1']);
    expect(pub.code, pub.stderr).toBe(0);
    const sub = await mosquittoSub(target.port, 'retain/mosq', 1, ['-v']);
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout.trim()).toBe('retain/mosq kept');
  });
});
