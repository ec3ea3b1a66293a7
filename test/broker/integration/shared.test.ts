// Shared subscriptions ($share/group/filter, v5 and also accepted from 3.1.1 clients).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurs, startTarget, type Target } from './helpers/target.js';
import { connectClient, settle } from './helpers/mqttjs.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

describe('shared subscriptions', () => {
  it('each message goes to exactly one member of the group [MQTT-4.8.2-2]', async () => {
    const members = await Promise.all([1, 2, 3].map(() => connectClient(target.url, { protocolVersion: 5 })));
    const plain = await connectClient(target.url, { protocolVersion: 5 });
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      for (const m of members) await m.subscribe('$share/workers/jobs/+', { qos: 1 });
      await plain.subscribe('jobs/+', { qos: 1 });
      const count = 30;
      for (let i = 0; i < count; i++) await pub.publish(`jobs/${i % 3}`, String(i), { qos: 1 });
      await plain.waitFor(() => plain.messages.length >= count, 'all messages at the plain subscriber');
      const total = () => members.reduce((n, m) => n + m.messages.length, 0);
      await members[0]!.waitFor(() => total() >= count, 'all messages shared out');
      await settle(300);
      const received = members.flatMap((m) => m.messages.map((x) => Number(x.payload))).sort((a, b) => a - b);
      expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
      // a normal subscription next to the group still receives everything
      expect(plain.messages).toHaveLength(count);
      // more than one member took part (any distribution strategy spreads 30 messages over 3 members)
      expect(members.filter((m) => m.messages.length > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all([...members, plain, pub].map((c) => c.end()));
    }
  });

  it('two groups on the same filter each get every message', async () => {
    const a = await connectClient(target.url, { protocolVersion: 5 });
    const b = await connectClient(target.url, { protocolVersion: 5 });
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await a.subscribe('$share/ga/groups/t', { qos: 0 });
      await b.subscribe('$share/gb/groups/t', { qos: 0 });
      await pub.publish('groups/t', 'one', { qos: 1 });
      await a.waitFor((m) => m.payload === 'one', 'group a');
      await b.waitFor((m) => m.payload === 'one', 'group b');
    } finally {
      await Promise.all([a.end(), b.end(), pub.end()]);
    }
  });

  // v5 section 4.8.2: retained messages are not sent when a shared subscription is made.
  // Mosquitto 2.0 sends them, so this runs against our broker only.
  it.runIf(isOurs)('retained messages are not sent for a new shared subscription (v5 4.8.2)', async () => {
    const pub = await connectClient(target.url, { protocolVersion: 5 });
    await pub.publish('shared/retained', 'kept', { qos: 1, retain: true });
    await pub.end();
    const member = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await member.subscribe('$share/g/shared/retained', { qos: 1 });
      await settle(400);
      expect(member.messages).toHaveLength(0);
    } finally {
      await member.end();
    }
  });
});
