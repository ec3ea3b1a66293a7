// A real client (MQTT.js) through built-in profiles: publish/subscribe works, the RTT the proxy
// measured reflects the profile.
//
// The proxy measures CONNECT→CONNACK round trips, and each direction's delay is random (wifi: normal,
// mean 5 ms, sd 3 ms, so a round trip is about N(10 ms, 4.2 ms) and falls below 5 ms with p ≈ 0.12).
// One sample would miss the bound about one run in eight; the median of 40 round trips is below 5 ms
// only when 20 of 40 are, P(Bin(40, 0.12) ≥ 20) ≈ 4e-9. A busy machine only adds to a round trip.
// A proxy that added no delay (about 0.1 ms on loopback) or half of it still fails the bound.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProfile } from '../../harness/network/index.js';
import { startMosquitto, type Mosquitto } from './helpers.js';

const ROUND_TRIPS = 40;

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
      const more = await Promise.all(
        Array.from({ length: ROUND_TRIPS - 1 }, () =>
          mqtt.connectAsync(`mqtt://127.0.0.1:${applied.endpoint.port}`, {
            protocolVersion: 5,
            reconnectPeriod: 0,
            connectTimeout: 20_000,
          }),
        ),
      );
      await Promise.all(more.map((c) => c.endAsync()));
    } finally {
      await client.endAsync();
      await applied.close();
    }
    const info = applied.info();
    const profileRtt = name === 'wifi' ? 10 : 400;
    expect(info.measured?.rttSamples).toBeGreaterThanOrEqual(ROUND_TRIPS);
    expect(info.measured?.rttMs?.p50).toBeGreaterThanOrEqual(profileRtt * 0.5);
  });
});
