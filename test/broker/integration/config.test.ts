// Broker config files: validation with all problems at once, defaults, file loading.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrokerConfigError, loadBrokerConfig, parseBrokerConfig } from '../../../broker/config.js';

describe('broker config', () => {
  it('turns a full YAML config into startBroker options', () => {
    const { options, logLevel } = parseBrokerConfig(`
listeners:
  - { type: tcp, host: 127.0.0.1, port: 1883 }
  - { type: ws, port: 8080, path: /mqtt }
limits: { maxConnections: 100, maxPacketSize: 65536, maxQueuedMessages: 50 }
features: { maximumQoS: 1, retainAvailable: false }
auth: { aclFile: acl.txt }
sys: { intervalSeconds: 0 }
log: { level: warn }
`);
    expect(options).toMatchObject({
      listeners: [
        { type: 'tcp', host: '127.0.0.1', port: 1883 },
        { type: 'ws', port: 8080, path: '/mqtt' },
      ],
      maxConnections: 100,
      maxPacketSize: 65536,
      maxQueuedMessages: 50,
      maximumQoS: 1,
      retainAvailable: false,
      aclFile: 'acl.txt',
      sysIntervalMs: 0,
    });
    expect(logLevel).toBe('warn');
  });

  it('accepts JSON and an empty file', () => {
    expect(parseBrokerConfig('{"limits": {"maxInflight": 10}}').options.maxInflight).toBe(10);
    expect(parseBrokerConfig('').options).toEqual({});
  });

  it('lists every problem with path and line', () => {
    try {
      parseBrokerConfig(
        'listeners:\n  - type: tls\n    port: 8883\n  - type: udp\nfeatures:\n  maximumQoS: 3\n',
        'x.yaml',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BrokerConfigError);
      const problems = (error as BrokerConfigError).problems.map((p) => `${p.line}:${p.path}`);
      expect(problems).toEqual(['2:listeners[0]', '4:listeners[1].type', '6:features.maximumQoS']);
      expect((error as BrokerConfigError).code).toBe('BROKER_CONFIG_INVALID');
    }
  });

  it('rejects keys of another listener type', () => {
    expect(() => parseBrokerConfig('listeners: [{ type: tcp, path: /mqtt }]')).toThrow(
      /listeners\[0\]\.path: unknown key/,
    );
  });

  it('resolves paths against the config file and reads certificates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'broker-config-'));
    try {
      await writeFile(join(dir, 'c.pem'), 'CERT');
      await writeFile(join(dir, 'k.pem'), 'KEY');
      await writeFile(
        join(dir, 'b.yaml'),
        'listeners: [{ type: tls, cert: c.pem, key: k.pem }]\nauth: { passwordFile: p }\n',
      );
      const { options } = await loadBrokerConfig(join(dir, 'b.yaml'));
      const tls = options.listeners?.[0];
      expect(tls?.type === 'tls' && tls.cert.toString()).toBe('CERT');
      expect(options.passwordFile).toBe(join(dir, 'p'));
      await writeFile(join(dir, 'm.yaml'), 'listeners: [{ type: wss, cert: missing.pem, key: k.pem }]\n');
      await expect(loadBrokerConfig(join(dir, 'm.yaml'))).rejects.toThrow(
        /listeners\[0\]\.cert: cannot read missing\.pem/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
