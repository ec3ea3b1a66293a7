// [issue 13 item 7] Retained messages sent on subscription are delivered in full, paced by the
// socket, never dropped: 3.1.1 [MQTT-3.3.1-6], 5.0 [MQTT-3.3.1-9]. Many large retained messages to
// QoS 0 subscribers (MQTT.js v3.1.1 and v5, mosquitto_sub), well past the broker's write bound.
// Protocol behaviour: also runs against Mosquitto (BROKER_UNDER_TEST=mosquitto).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './helpers/target.js';
import { connectClient } from './helpers/mqttjs.js';
import { HAVE_MOSQUITTO_CLIENTS, mosquittoSub } from './helpers/mosquitto-clients.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const SETS = [
  { name: 'large', count: 200, bytes: 100 * 1024 },
  { name: 'many', count: 2000, bytes: 1024 },
] as const;

async function storeRetained(prefix: string, count: number, bytes: number): Promise<void> {
  const pub = await connectClient(target.url, { protocolVersion: 4 });
  try {
    const payload = Buffer.alloc(bytes, 0x72);
    // QoS 1 in batches: every message is stored before anyone subscribes
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, (_, k) =>
        pub.client.publishAsync(`${prefix}/${i + k}`, payload, { qos: 1, retain: true }),
      );
      await Promise.all(batch);
    }
  } finally {
    await pub.end();
  }
}

describe.each(SETS)('$count retained messages of $bytes bytes', ({ name, count, bytes }) => {
  const prefix = `bulk/${name}`;
  beforeAll(async () => {
    await storeRetained(prefix, count, bytes);
  }, 60_000);

  it.each([4, 5] as const)(
    'a QoS 0 subscriber (MQTT.js v%i) gets every one of them',
    async (protocolVersion) => {
      const sub = await connectClient(target.url, { protocolVersion });
      try {
        await sub.subscribe(`${prefix}/#`, { qos: 0 });
        await sub.waitFor(() => sub.messages.length >= count, `${count} retained messages`, 30_000);
        const topics = new Set(sub.messages.map((m) => m.topic));
        expect(topics.size).toBe(count);
        expect(sub.messages.every((m) => m.packet.retain && m.packet.payload.length === bytes)).toBe(true);
      } finally {
        await sub.end();
      }
    },
    40_000,
  );

  it.runIf(HAVE_MOSQUITTO_CLIENTS)(
    'mosquitto_sub (QoS 0, v3.1.1) gets every one of them',
    async () => {
      const result = await mosquittoSub(target.port, `${prefix}/#`, count, ['-F', '%t'], 'mqttv311', 20);
      const lines = result.stdout.split('\n').filter((line) => line.length > 0);
      expect(new Set(lines).size).toBe(count);
      expect(result.code).toBe(0);
    },
    40_000,
  );
});
