// A real client (MQTT.js) through built-in profiles: publish/subscribe works, the RTT the proxy
// measured reflects the profile.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProfile } from '../../harness/network/index.js';
import { startMosquitto, type Mosquitto } from './helpers.js';

let mosquitto: Mosquitto;
beforeAll(async () => {
  mosquitto = await startMosquitto();
});
afterAll(async () => mosquitto?.stop());

describe('MQTT.js through a profile', () => {
  it.each(['wifi', '2g-edge'])('%s: QoS 1 round trip works and the RTT is measured', async (name) => {
    const applied = await applyProfile(
      name,
      { transport: 'tcp', host: '127.0.0.1', port: mosquitto.port },
      { cwd: process.cwd() },
    );
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${applied.endpoint.port}`, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    try {
      const topic = `net/${Math.random().toString(36).slice(2)}`;
      await client.subscribeAsync(topic, { qos: 1 });
      const received = new Promise<string>((resolve) =>
        client.once('message', (_t, payload) => resolve(payload.toString())),
      );
      await client.publishAsync(topic, 'x'.repeat(3000), { qos: 1 }); // sliced into ~512-byte segments on 2g-edge
      expect(await received).toBe('x'.repeat(3000));
    } finally {
      await client.endAsync();
      await applied.close();
    }
    const info = applied.info();
    const profileRtt = name === 'wifi' ? 10 : 400;
    expect(info.measured?.rttMs?.p50).toBeGreaterThanOrEqual(profileRtt * 0.5);
  });
});
