import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { parseEndpoint, redact } from '../../harness/targets/url.js';
import { freePort } from '../../harness/targets/network.js';
import { connectOnce } from './probe.js';

describe('url endpoint parsing', () => {
  it.each([
    ['mqtt://127.0.0.1:1884', { transport: 'tcp', host: '127.0.0.1', port: 1884 }],
    ['mqtt://localhost', { transport: 'tcp', host: 'localhost', port: 1883 }],
    ['mqtts://127.0.0.1', { transport: 'tls', port: 8883 }],
    ['ws://127.0.0.1:8080', { transport: 'ws', port: 8080, path: '/mqtt' }],
    ['wss://127.0.0.1/custom', { transport: 'wss', port: 443, path: '/custom' }],
    ['mqtt://[::1]:1990', { transport: 'tcp', host: '::1', port: 1990 }],
    ['mqtt://user:p%40ss@127.0.0.1:1', { username: 'user', password: 'p@ss' }],
  ])('%s', (url, expected) => {
    expect(parseEndpoint({ url })).toMatchObject(expected);
  });

  it('options override URL credentials', () => {
    expect(parseEndpoint({ url: 'mqtt://a:b@127.0.0.1', username: 'x', password: 'y' })).toMatchObject({
      username: 'x',
      password: 'y',
    });
  });

  it('rejects an unknown scheme with the list of supported ones', () => {
    expect(() => parseEndpoint({ url: 'http://127.0.0.1' })).toThrow(
      /unsupported URL scheme 'http:'.*mqtt:\/\//,
    );
  });

  it('redacts the password in names', () => {
    expect(redact('mqtt://u:secret@127.0.0.1:1883')).toBe('mqtt://u:***@127.0.0.1:1883');
  });
});

describe('url target', () => {
  let mosquitto: StartedTarget;
  beforeAll(async () => {
    mosquitto = await startTarget('mosquitto', { cwd: process.cwd() });
  });
  afterAll(async () => {
    await mosquitto.stop();
  });

  it('reaches an already running broker: CONNECT → CONNACK through the endpoint it returns', async () => {
    const target = await startTarget(mosquitto.url, { cwd: process.cwd() });
    expect(target).toMatchObject({ kind: 'url', name: mosquitto.url, url: mosquitto.url });
    expect(target.pid).toBeUndefined();
    expect(await connectOnce(target.endpoint, 5)).toMatchObject({ type: 'connack', reasonCode: 0 });
    await target.stop();
    expect(target.isAlive()).toBe(false);
    // stopping a url target never stops the broker behind it
    expect(mosquitto.isAlive()).toBe(true);
  });

  it('reads TLS files relative to the working directory and reports a missing one', async () => {
    await expect(
      startTarget(
        { kind: 'url', options: { url: 'mqtts://127.0.0.1:1', ca: 'no-such-ca.pem' } },
        { cwd: '/tmp' },
      ),
    ).rejects.toThrow(/cannot read \/tmp\/no-such-ca\.pem/);
  });

  it('mqtts:// loads CA, client cert and key into the endpoint; allowInsecure turns verification off', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-tls-'));
    await writeFile(join(dir, 'ca.pem'), 'CA');
    await writeFile(join(dir, 'client.pem'), 'CERT');
    await writeFile(join(dir, 'client.key'), 'KEY');
    const options = {
      url: `mqtts://u:p@127.0.0.1:${mosquitto.endpoint.port}`,
      ca: 'ca.pem',
      cert: 'client.pem',
      key: 'client.key',
    };
    const strict = await startTarget({ kind: 'url', options }, { cwd: dir });
    expect(strict.endpoint).toMatchObject({ transport: 'tls', username: 'u', password: 'p' });
    expect(strict.endpoint.tls).toEqual({
      ca: Buffer.from('CA'),
      cert: Buffer.from('CERT'),
      key: Buffer.from('KEY'),
      rejectUnauthorized: true,
    });
    expect(strict.url).toBe(`mqtts://u:***@127.0.0.1:${mosquitto.endpoint.port}`);
    const insecure = await startTarget(
      { kind: 'url', options: { ...options, allowInsecure: true, servername: 'broker.test' } },
      { cwd: dir },
    );
    expect(insecure.endpoint.tls).toMatchObject({ rejectUnauthorized: false, servername: 'broker.test' });
  });

  it('refuses TLS files with a plain mqtt:// URL', async () => {
    await expect(
      startTarget({ kind: 'url', options: { url: mosquitto.url, ca: 'ca.pem' } }, { cwd: process.cwd() }),
    ).rejects.toMatchObject({ reason: 'options-invalid' });
  });

  it('a port nobody listens on gives reason unreachable', async () => {
    const port = await freePort();
    await expect(
      startTarget(
        { kind: 'url', options: { url: `mqtt://127.0.0.1:${port}`, probeTimeoutMs: 2000 } },
        { cwd: process.cwd() },
      ),
    ).rejects.toMatchObject({ reason: 'unreachable' });
  });
});
