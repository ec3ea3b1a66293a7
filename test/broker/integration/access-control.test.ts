// Access control end to end with MQTT.js (v3.1.1 and v5) and mosquitto_sub: what a will may do,
// who may resume or take over a session, and read rights checked for every delivery.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordEntry } from '../../../broker/auth/index.js';
import { isOurs, startTarget, type Target } from './helpers/target.js';
import { connectClient, settle, uniqueId, type TestClient } from './helpers/mqttjs.js';
import { HAVE_MOSQUITTO_CLIENTS, mosquittoSub } from './helpers/mosquitto-clients.js';

const ACL = `
user admin
topic readwrite #
user alice
topic readwrite sensors/#
user bob
topic readwrite sensors/#
pattern readwrite users/%u/#
`;

const USERS = {
  admin: 'admin-pw',
  alice: 'alice-pw',
  bob: 'bob-pw',
} as const;
type User = keyof typeof USERS;
const as = (user: User): { username: string; password: string } => ({
  username: user,
  password: USERS[user],
});

/** Ends the TCP connection without DISCONNECT, as a crashed client would. */
function drop(client: TestClient): void {
  client.client.stream.destroy();
}

async function refusal(
  url: string,
  options: Parameters<typeof connectClient>[1],
): Promise<number | undefined> {
  try {
    const c = await connectClient(url, options);
    await c.end(true);
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

describe.runIf(isOurs)('access control with password and ACL files', () => {
  let dir: string;
  let target: Target;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-acl-'));
    const passwordFile = join(dir, 'passwd');
    const aclFile = join(dir, 'acl');
    const lines = await Promise.all(Object.entries(USERS).map(([u, p]) => createPasswordEntry(u, p)));
    await writeFile(passwordFile, `${lines.join('\n')}\n`);
    await writeFile(aclFile, ACL);
    target = await startTarget({ passwordFile, aclFile });
  });
  afterAll(async () => {
    await target?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe.each([
    [4, 5],
    [5, 0x87],
  ] as const)('MQTT.js protocolVersion %i', (protocolVersion, notAuthorized) => {
    it('[issue 13 item 1] a will outside the publish ACL is refused at CONNECT: nothing delivered, nothing retained', async () => {
      const topic = `secret/will/${protocolVersion}`;
      const watcher = await connectClient(target.url, { protocolVersion, ...as('admin') });
      try {
        await watcher.subscribe('secret/#', { qos: 1 });
        const code = await refusal(target.url, {
          protocolVersion,
          ...as('alice'),
          will: { topic, payload: Buffer.from('forged'), qos: 1, retain: true },
        });
        expect(code).toBe(notAuthorized);
        await settle(300);
        expect(watcher.messages).toEqual([]);
        expect(target.running?.broker.stats.retainedCount).toBe(0);
      } finally {
        await watcher.end();
      }
    });

    it('a will inside the publish ACL is published when the connection drops', async () => {
      const topic = `sensors/alice/status/${protocolVersion}`;
      const watcher = await connectClient(target.url, { protocolVersion, ...as('admin') });
      try {
        await watcher.subscribe(topic, { qos: 1 });
        const dying = await connectClient(target.url, {
          protocolVersion,
          ...as('alice'),
          will: { topic, payload: Buffer.from('offline'), qos: 1, retain: false },
        });
        drop(dying);
        const will = await watcher.waitFor((m) => m.topic === topic, 'the will');
        expect(will.payload).toBe('offline');
      } finally {
        await watcher.end();
      }
    });

    it("[issue 13 item 2] another identity cannot resume a stored session: bob's queued message stays his", async () => {
      const clientId = uniqueId(`bob-dev-${protocolVersion}`);
      const persistent =
        protocolVersion === 5
          ? { clean: false, properties: { sessionExpiryInterval: 300 } }
          : { clean: false };
      const bob = await connectClient(target.url, { protocolVersion, clientId, ...persistent, ...as('bob') });
      await bob.subscribe('users/bob/#', { qos: 1 });
      await bob.end();
      const admin = await connectClient(target.url, { protocolVersion, ...as('admin') });
      await admin.publish('users/bob/inbox', 'for bob only', { qos: 1 });
      await admin.end();

      expect(await refusal(target.url, { protocolVersion, clientId, ...persistent, ...as('alice') })).toBe(
        notAuthorized,
      );
      // a clean start under another identity would wipe bob's session: refused too
      expect(await refusal(target.url, { protocolVersion, clientId, clean: true, ...as('alice') })).toBe(
        notAuthorized,
      );
      const back = await connectClient(target.url, {
        protocolVersion,
        clientId,
        ...persistent,
        ...as('bob'),
      });
      try {
        const queued = await back.waitFor((m) => m.topic === 'users/bob/inbox', "bob's queued message");
        expect(queued.payload).toBe('for bob only');
      } finally {
        await back.end();
      }
    });

    it('[issue 13 item 2] another identity cannot take over a connected session', async () => {
      const clientId = uniqueId(`bob-live-${protocolVersion}`);
      const bob = await connectClient(target.url, { protocolVersion, clientId, ...as('bob') });
      try {
        await bob.subscribe('users/bob/#', { qos: 1 });
        expect(await refusal(target.url, { protocolVersion, clientId, ...as('alice') })).toBe(notAuthorized);
        const admin = await connectClient(target.url, { protocolVersion, ...as('admin') });
        await admin.publish('users/bob/live', 'still bob', { qos: 1 });
        await admin.end();
        const live = await bob.waitFor((m) => m.topic === 'users/bob/live', 'live message to bob');
        expect(live.payload).toBe('still bob');
        expect(bob.client.connected).toBe(true);
      } finally {
        await bob.end();
      }
    });
  });

  it.runIf(HAVE_MOSQUITTO_CLIENTS)(
    'mosquitto_sub (v5) as alice with a forbidden will is refused and nothing is published',
    async () => {
      const watcher = await connectClient(target.url, { protocolVersion: 5, ...as('admin') });
      try {
        await watcher.subscribe('secret/#', { qos: 1 });
        const sub = await mosquittoSub(
          target.port,
          'sensors/x',
          1,
          [
            '-u',
            'alice',
            '-P',
            USERS.alice,
            '--will-topic',
            'secret/mosq',
            '--will-payload',
            'x',
            '--will-retain',
          ],
          'mqttv5',
          2,
        );
        expect(sub.code).not.toBe(0);
        await settle(300);
        expect(watcher.messages).toEqual([]);
      } finally {
        await watcher.end();
      }
    },
  );
});

describe.runIf(isOurs)('read rights are checked for every delivery', () => {
  let target: Target;
  let readable = true;
  beforeAll(async () => {
    target = await startTarget({
      authorizeSubscribe: () => true,
      // rights that change after SUBSCRIBE, as a hook backed by a directory may
      authorizeRead: (_client, topic) => readable || !topic.startsWith('x/secret'),
    });
  });
  afterAll(async () => {
    await target?.close();
  });

  it.each([4, 5] as const)(
    '[issue 13 item 2] v%i: a message the receiving identity may no longer read is not delivered, retained or live',
    async (protocolVersion) => {
      readable = true;
      const publisher = await connectClient(target.url, { protocolVersion });
      await publisher.publish(`x/secret/${protocolVersion}/kept`, 'retained secret', {
        qos: 1,
        retain: true,
      });
      readable = false;
      const reader = await connectClient(target.url, { protocolVersion });
      try {
        await reader.subscribe(`x/+/${protocolVersion}/#`, { qos: 1 });
        await publisher.publish(`x/secret/${protocolVersion}/live`, 'live secret', { qos: 1 });
        await publisher.publish(`x/open/${protocolVersion}/live`, 'open', { qos: 1 });
        await reader.waitFor((m) => m.payload === 'open', 'the readable message');
        await settle(200);
        expect(reader.messages.map((m) => m.payload)).toEqual(['open']);
      } finally {
        readable = true;
        await publisher.publish(`x/secret/${protocolVersion}/kept`, '', { qos: 1, retain: true });
        await Promise.all([reader.end(), publisher.end()]);
      }
    },
  );
});

describe.runIf(isOurs)('a will is checked again when it is due', () => {
  it.each([4, 5] as const)(
    'v%i: rights revoked after CONNECT: the will is dropped',
    async (protocolVersion) => {
      let allowed = true;
      const target = await startTarget({
        authorizePublish: (_client, topic) => allowed || !topic.startsWith('w/'),
      });
      try {
        const watcher = await connectClient(target.url, { protocolVersion });
        await watcher.subscribe('w/#', { qos: 1 });
        const dying = await connectClient(target.url, {
          protocolVersion,
          will: { topic: 'w/gone', payload: Buffer.from('x'), qos: 1, retain: true },
        });
        allowed = false;
        drop(dying);
        await settle(300);
        expect(watcher.messages).toEqual([]);
        expect(target.running?.broker.stats.retainedCount).toBe(0);
        await watcher.end();
      } finally {
        await target.close();
      }
    },
  );
});
