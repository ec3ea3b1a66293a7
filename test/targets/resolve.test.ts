import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config/index.js';
import { resolveTargetSpec, startTarget } from '../../harness/targets/index.js';

const environment = { cwd: '/work/project', isTTY: false, env: {} };
const config = resolveConfig(
  {
    targets: {
      local: { kind: 'mosquitto', options: { port: 1999 } },
      cloud: { kind: 'url', options: { url: 'mqtts://127.0.0.1:8883', ca: 'certs/ca.pem' } },
    },
  },
  {},
  environment,
  '/work/project/conf/harness.config.yaml',
);

describe('target specs', () => {
  it.each([
    ['reference', 'reference', { kind: 'reference' }],
    ['mosquitto', 'mosquitto', { kind: 'mosquitto' }],
    ['aedes', 'aedes', { kind: 'aedes' }],
    [
      'mqtt://127.0.0.1:1883',
      'mqtt://127.0.0.1:1883',
      { kind: 'url', options: { url: 'mqtt://127.0.0.1:1883' } },
    ],
    ['ws://u:pw@127.0.0.1:8080/mqtt', 'ws://u:***@127.0.0.1:8080/mqtt', { kind: 'url' }],
    ['local', 'local', { kind: 'mosquitto', options: { port: 1999 } }],
  ])('%s', (spec, name, expected) => {
    const resolved = resolveTargetSpec(spec, { cwd: '/elsewhere', config });
    expect(resolved.name).toBe(name);
    expect(resolved.config).toMatchObject(expected);
  });

  it('configured targets resolve relative paths against the config file directory', () => {
    expect(resolveTargetSpec('cloud', { cwd: '/elsewhere', config }).baseDir).toBe('/work/project/conf');
    expect(resolveTargetSpec('mosquitto', { cwd: '/elsewhere', config }).baseDir).toBe('/elsewhere');
  });

  it('an unknown name is reason unknown and lists the configured names', () => {
    expect(() => resolveTargetSpec('nope', { cwd: '/', config })).toThrow(
      /unknown target 'nope'.*local, cloud/,
    );
    expect(() => resolveTargetSpec('url', { cwd: '/' })).toThrow(/unknown target 'url'/);
  });

  it('an unknown kind in a TargetConfig is reason unknown', async () => {
    await expect(startTarget({ kind: 'nats' }, { cwd: '/' })).rejects.toMatchObject({ reason: 'unknown' });
  });
});
