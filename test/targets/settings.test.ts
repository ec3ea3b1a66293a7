// Target settings: each kind maps them to its configuration, or names what it cannot honour.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTarget, settingsKey, TargetError, type StartedTarget } from '../../harness/targets/index.js';
import { configureMosquitto } from '../../harness/targets/mosquitto.js';
import { configureReference } from '../../harness/targets/reference.js';
import { connectOnce } from './probe.js';

const started: StartedTarget[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((target) => target.stop()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mh-settings-test-'));
  dirs.push(dir);
  return dir;
}

describe('target settings', () => {
  it('the same settings in another key order share one key', () => {
    expect(settingsKey({ maximumQoS: 1, retainAvailable: false })).toBe(
      settingsKey({ retainAvailable: false, maximumQoS: 1 }),
    );
    expect(settingsKey({ maximumQoS: 1 })).not.toBe(settingsKey({ maximumQoS: 0 }));
  });

  it('reference: features become options, users a password file, grants an ACL of pattern lines', async () => {
    const dir = await tempDir();
    const configured = await configureReference(
      { mutations: [] },
      { maximumQoS: 1, users: { u: 'p' }, acl: [{ topic: '+/open/#', access: 'write' }] },
      dir,
    );
    expect('options' in configured).toBe(true);
    if (!('options' in configured)) return;
    expect(configured.options).toMatchObject({ maximumQoS: 1, allowAnonymous: false, mutations: [] });
    expect(await readFile(join(dir, 'acl'), 'utf8')).toBe('pattern write +/open/#\n');
    expect(await readFile(join(dir, 'passwd'), 'utf8')).toMatch(/^u:scrypt\$/);
  });

  it('mosquitto: wildcard and shared subscription switches are named as unsupported', async () => {
    const dir = await tempDir();
    expect(await configureMosquitto({}, { wildcardSubscriptionAvailable: false }, dir)).toEqual({
      unsupported: 'Mosquitto cannot be configured with wildcardSubscriptionAvailable',
    });
    expect(await configureMosquitto({}, { serverKeepAlive: 5 }, dir)).toHaveProperty('unsupported');
    const configured = await configureMosquitto({}, { maximumQoS: 1, topicAliasMaximum: 0 }, dir);
    expect(configured).toEqual({ options: { config: 'max_qos 1\nmax_topic_alias 0' } });
  });

  it('a started reference instance announces its settings and refuses a wrong password', async () => {
    const dir = await tempDir();
    const target = await startTarget('reference', {
      cwd: process.cwd(),
      settings: { values: { maximumQoS: 1, users: { u: 'p' } }, dir },
    });
    started.push(target);
    expect(target.capabilities.has('qos2')).toBe(false);
    const refused = await connectOnce({ ...target.endpoint, username: 'u', password: 'x' }, 5);
    expect(refused).toMatchObject({ type: 'connack', reasonCode: 0x86 });
    const accepted = await connectOnce({ ...target.endpoint, username: 'u', password: 'p' }, 5);
    expect(accepted).toMatchObject({ type: 'connack', reasonCode: 0, properties: { maximumQoS: 1 } });
  });

  it('a kind without settings support fails with the settings-unsupported reason', async () => {
    const dir = await tempDir();
    const start = startTarget('aedes', { cwd: process.cwd(), settings: { values: { maximumQoS: 1 }, dir } });
    await expect(start).rejects.toBeInstanceOf(TargetError);
    await expect(start).rejects.toMatchObject({ reason: 'settings-unsupported' });
  });
});
