// Password file (scrypt) and ACL file end to end with MQTT.js v3.1.1 and v5.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurs, startTarget, type Target } from './helpers/target.js';
import { connectClient, settle, subackCodes } from './helpers/mqttjs.js';
import { HAVE_MOSQUITTO_CLIENTS, mosquittoPub } from './helpers/mosquitto-clients.js';
import { createPasswordEntry } from '../../../broker/auth/index.js';

const ACL = `
# everyone may read $SYS
topic read $SYS/#
user alice
topic readwrite sensors/#
user bob
topic read sensors/+/temp
topic write sensors/bob/temp
pattern readwrite private/%u/#
`;

describe.runIf(isOurs)('password file and ACL file', () => {
  let dir: string;
  let target: Target;
  const alice = { username: 'alice', password: 'alice-secret' };
  const bob = { username: 'bob', password: 'bob-secret' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-auth-'));
    const passwordFile = join(dir, 'passwd');
    const aclFile = join(dir, 'acl');
    const lines = await Promise.all([alice, bob].map((u) => createPasswordEntry(u.username, u.password)));
    await writeFile(passwordFile, `${lines.join('\n')}\n`);
    await writeFile(aclFile, ACL);
    target = await startTarget({ passwordFile, aclFile, allowAnonymous: false });
  });
  afterAll(async () => {
    await target?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores salted scrypt hashes, never the password', async () => {
    const text = await readFile(join(dir, 'passwd'), 'utf8');
    expect(text).not.toContain('alice-secret');
    expect(text).toMatch(/^alice:scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/m);
    const again = await createPasswordEntry('alice', 'alice-secret');
    expect(text).not.toContain(again); // a fresh salt each time
  });

  it.each([
    [4, 4],
    [5, 0x86],
  ] as const)(
    'a wrong password is refused (v%i: CONNACK %i) [MQTT-3.1.4-2]',
    async (protocolVersion, code) => {
      const error = await connectClient(target.url, {
        protocolVersion,
        username: 'alice',
        password: 'wrong',
      }).catch((e: unknown) => e as { code?: number });
      expect((error as { code?: number }).code).toBe(code);
    },
  );

  it.each([4, 5] as const)(
    'an anonymous client is refused when allowAnonymous is false (v%i)',
    async (protocolVersion) => {
      const error = await connectClient(target.url, { protocolVersion }).catch(
        (e: unknown) => e as { code?: number },
      );
      const code = (error as { code?: number }).code;
      expect(protocolVersion === 4 ? [4, 5] : [0x86, 0x87]).toContain(code);
    },
  );

  it.each([
    [4, 0x80],
    [5, 0x87],
  ] as const)(
    'a subscription outside the ACL is refused (v%i: SUBACK %i) and one inside is granted',
    async (protocolVersion, refused) => {
      const c = await connectClient(target.url, { protocolVersion, ...bob });
      try {
        expect(await subackCodes(c, ['sensors/#', 'sensors/kitchen/temp'], { qos: 1 })).toEqual([refused, 1]);
      } finally {
        await c.end();
      }
    },
  );

  it('a refused publish is not forwarded; v5 PUBACK carries 0x87 [MQTT-3.3.5-2]', async () => {
    const watcher = await connectClient(target.url, { protocolVersion: 5, ...alice });
    const b5 = await connectClient(target.url, { protocolVersion: 5, ...bob });
    const b4 = await connectClient(target.url, { protocolVersion: 4, ...bob });
    try {
      await watcher.subscribe('sensors/#', { qos: 1 });
      const refused = await b5.client.publishAsync('sensors/alice/temp', 'forged', { qos: 1 }).then(
        () => undefined,
        (e: unknown) => e as { code?: number },
      );
      expect(refused?.code).toBe(0x87);
      await b4.publish('sensors/alice/temp', 'forged too', { qos: 1 }); // 3.1.1 has no way to say no: PUBACK, then drop
      await b5.publish('sensors/bob/temp', 'allowed', { qos: 1 });
      await watcher.waitFor((m) => m.payload === 'allowed', 'the allowed message');
      await settle(200);
      expect(watcher.messages.map((m) => m.payload)).toEqual(['allowed']);
    } finally {
      await Promise.all([watcher.end(), b5.end(), b4.end()]);
    }
  });

  it('pattern rules substitute %u: bob reaches private/bob/# but not private/alice/#', async () => {
    const c = await connectClient(target.url, { protocolVersion: 5, ...bob });
    try {
      expect(await subackCodes(c, ['private/bob/#', 'private/alice/#'], { qos: 0 })).toEqual([0, 0x87]);
      await c.publish('private/bob/note', 'to self', { qos: 1 });
      await c.waitFor((m) => m.topic === 'private/bob/note', 'own private message');
    } finally {
      await c.end();
    }
  });

  it.runIf(HAVE_MOSQUITTO_CLIENTS)(
    'mosquitto_pub with -u/-P is accepted, with a wrong password refused',
    async () => {
      const good = await mosquittoPub(target.port, 'sensors/x', 'y', ['-u', 'alice', '-P', 'alice-secret']);
      expect(good.code, good.stderr).toBe(0);
      const bad = await mosquittoPub(target.port, 'sensors/x', 'y', ['-u', 'alice', '-P', 'nope']);
      expect(bad.code).not.toBe(0);
    },
  );
});
