// Will messages: published when the network connection drops, not after a clean DISCONNECT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './helpers/target.js';
import { connectClient, settle } from './helpers/mqttjs.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

/** Ends the TCP connection without DISCONNECT, as a crashed client would. */
function dropConnection(client: { client: { stream: { destroy(): void } } }): void {
  client.client.stream.destroy();
}

describe.each([4, 5] as const)('wills, MQTT.js protocolVersion %i', (protocolVersion) => {
  it('publishes the will when the connection is lost [MQTT-3.1.2-8]', async () => {
    const topic = `will/${protocolVersion}/lost`;
    const watcher = await connectClient(target.url, { protocolVersion });
    await watcher.subscribe(topic, { qos: 1 });
    const dying = await connectClient(target.url, {
      protocolVersion,
      will: { topic, payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    try {
      dropConnection(dying);
      const will = await watcher.waitFor((m) => m.topic === topic, 'will message');
      expect(will.payload).toBe('gone');
      expect(will.packet.qos).toBe(1);
    } finally {
      await Promise.all([watcher.end(), dying.end(true)]);
    }
  });

  it('does not publish the will after a normal DISCONNECT [MQTT-3.1.2-10]', async () => {
    const topic = `will/${protocolVersion}/clean`;
    const watcher = await connectClient(target.url, { protocolVersion });
    await watcher.subscribe(topic, { qos: 1 });
    const leaving = await connectClient(target.url, {
      protocolVersion,
      will: { topic, payload: Buffer.from('should not appear'), qos: 1, retain: false },
    });
    try {
      await leaving.end();
      await settle(500);
      expect(watcher.messages).toHaveLength(0);
    } finally {
      await watcher.end();
    }
  });

  it('a retained will is stored as retained [MQTT-3.1.2-17]', async () => {
    const topic = `will/${protocolVersion}/retained`;
    const dying = await connectClient(target.url, {
      protocolVersion,
      will: { topic, payload: Buffer.from('last words'), qos: 0, retain: true },
    });
    dropConnection(dying);
    await dying.end(true);
    const late = await connectClient(target.url, { protocolVersion });
    try {
      // poll: the broker notices the drop asynchronously
      let got = false;
      for (let i = 0; i < 20 && !got; i++) {
        await late.subscribe(topic, { qos: 0 });
        await settle(100);
        got = late.messages.some((m) => m.topic === topic && m.packet.retain);
      }
      expect(got).toBe(true);
    } finally {
      await late.end();
    }
  });
});

describe('will delay (v5)', () => {
  it('a will with a delay is not sent when the client reconnects within the delay [MQTT-3.1.3-9]', async () => {
    const topic = 'will/delay/reconnect';
    const watcher = await connectClient(target.url, { protocolVersion: 5 });
    await watcher.subscribe(topic, { qos: 1 });
    const options = {
      protocolVersion: 5 as const,
      clientId: 'will-delay-client',
      clean: false,
      properties: { sessionExpiryInterval: 60 },
      will: {
        topic,
        payload: Buffer.from('delayed'),
        qos: 1 as const,
        retain: false,
        properties: { willDelayInterval: 2 },
      },
    };
    const first = await connectClient(target.url, options);
    dropConnection(first);
    await first.end(true);
    await settle(200);
    const second = await connectClient(target.url, options);
    try {
      await settle(2500);
      expect(watcher.messages).toHaveLength(0);
    } finally {
      await Promise.all([watcher.end(), second.end()]);
    }
  });

  it('a will with a delay is sent after the delay', async () => {
    const topic = 'will/delay/sent';
    const watcher = await connectClient(target.url, { protocolVersion: 5 });
    await watcher.subscribe(topic, { qos: 1 });
    const dying = await connectClient(target.url, {
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 60 },
      will: {
        topic,
        payload: Buffer.from('later'),
        qos: 1,
        retain: false,
        properties: { willDelayInterval: 1 },
      },
    });
    dropConnection(dying);
    try {
      // a slow machine can only make the will later, never earlier: nothing yet shortly after the drop
      await settle(200);
      expect(watcher.messages).toHaveLength(0);
      const will = await watcher.waitFor((m) => m.topic === topic, 'delayed will', 5000);
      expect(will.payload).toBe('later');
    } finally {
      await Promise.all([watcher.end(), dying.end(true)]);
    }
  });
});
