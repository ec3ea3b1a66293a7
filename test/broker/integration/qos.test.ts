// QoS 0/1/2 end to end through the broker, MQTT.js v3.1.1 and v5 and Mosquitto's own clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './helpers/target.js';
import { connectClient } from './helpers/mqttjs.js';
import { HAVE_MOSQUITTO_CLIENTS, mosquittoPub, mosquittoSub } from './helpers/mosquitto-clients.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

describe.each([4, 5] as const)('MQTT.js protocolVersion %i', (protocolVersion) => {
  it.each([0, 1, 2] as const)('delivers a QoS %i message at min(publish, subscribe) QoS', async (qos) => {
    const topic = `qos/${protocolVersion}/${qos}`;
    const sub = await connectClient(target.url, {
      protocolVersion,
      clientId: `sub-${protocolVersion}-${qos}`,
    });
    const pub = await connectClient(target.url, {
      protocolVersion,
      clientId: `pub-${protocolVersion}-${qos}`,
    });
    try {
      const granted = await sub.subscribe(topic, { qos });
      expect(granted[0]?.qos).toBe(qos);
      await pub.publish(topic, `hello ${qos}`, { qos });
      // a QoS 2 publish completes only after PUBCOMP: the whole exchange has run
      const message = await sub.waitFor((m) => m.topic === topic, `message on ${topic}`);
      expect(message.payload).toBe(`hello ${qos}`);
      expect(message.packet.qos).toBe(qos);
      if (qos > 0) expect(message.packet.messageId).toBeGreaterThan(0);
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });

  it('downgrades to the subscription QoS [MQTT-3.8.4-8]', async () => {
    const topic = `qos/${protocolVersion}/downgrade`;
    const sub = await connectClient(target.url, { protocolVersion });
    const pub = await connectClient(target.url, { protocolVersion });
    try {
      await sub.subscribe(topic, { qos: 1 });
      await pub.publish(topic, 'x', { qos: 2 });
      const message = await sub.waitFor((m) => m.topic === topic, 'downgraded message');
      expect(message.packet.qos).toBe(1);
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });

  it('delivers 200 QoS 1 messages in order [MQTT-4.6.0-6]', async () => {
    const topic = `qos/${protocolVersion}/order`;
    const sub = await connectClient(target.url, { protocolVersion });
    const pub = await connectClient(target.url, { protocolVersion });
    try {
      await sub.subscribe(topic, { qos: 1 });
      await Promise.all(Array.from({ length: 200 }, (_, i) => pub.publish(topic, String(i), { qos: 1 })));
      await sub.waitFor(() => sub.messages.length >= 200, '200 messages');
      expect(sub.messages.map((m) => Number(m.payload))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    } finally {
      await Promise.all([sub.end(), pub.end()]);
    }
  });
});

describe.runIf(HAVE_MOSQUITTO_CLIENTS)('mosquitto_pub / mosquitto_sub', () => {
  it.each([
    ['mqttv311', 0],
    ['mqttv311', 1],
    ['mqttv311', 2],
    ['mqttv5', 1],
    ['mqttv5', 2],
  ] as const)('%s QoS %i: mosquitto_pub → mosquitto_sub', async (version, qos) => {
    const topic = `mosq/${version}/${qos}`;
    const sub = mosquittoSub(target.port, topic, 1, ['-q', String(qos), '-v'], version);
    // mosquitto_sub prints nothing when subscribed: retry the publish until it has received one message
    const deadline = Date.now() + 5000;
    let result: Awaited<typeof sub> | undefined;
    void sub.then((r) => (result = r));
    while (result === undefined && Date.now() < deadline) {
      const pub = await mosquittoPub(target.port, topic, `m${qos}`, ['-q', String(qos)], version);
      expect(pub.code, pub.stderr).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
    }
    const done = await sub;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe(`${topic} m${qos}`);
  });

  it('MQTT.js v5 publisher → mosquitto_sub v3.1.1 subscriber', async () => {
    const topic = 'mosq/cross';
    const sub = mosquittoSub(target.port, topic, 1, ['-q', '1'], 'mqttv311');
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    let exited = false;
    void sub.then(() => (exited = true));
    try {
      for (let i = 0; i < 25 && !exited; i++) {
        await pub.publish(topic, 'from mqtt.js', { qos: 1 });
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await pub.end();
    }
    const done = await sub;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe('from mqtt.js');
  });
});
