import { describe, expect, it } from 'vitest';
import {
  resolveConfig,
  defaultWorkers,
  type CliOverrides,
  type UserConfig,
} from '../../harness/config/index.js';

const environment = { cwd: '/home/u/project', isTTY: false, env: {} as NodeJS.ProcessEnv };

describe('resolveConfig: defaults ← config file ← command line', () => {
  it('no config, no flags: every default', () => {
    const config = resolveConfig({}, {}, environment);
    expect(config).toEqual({
      configFile: null,
      rootDir: '/home/u/project',
      paths: ['/home/u/project/scenarios'],
      targets: {},
      selectedTargets: ['reference'],
      profiles: [],
      mqtt: ['3.1.1', '5.0'],
      tags: [],
      grep: null,
      bail: false,
      workers: defaultWorkers(),
      timeouts: { step: 5000, scenario: 30000 },
      reporters: ['dot', 'json'],
      outputDir: '/home/u/project/reports',
      brokerCpus: null,
      generatorCpus: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.timeouts)).toBe(true);
  });

  const file: UserConfig = {
    paths: ['conformance'],
    targets: { local: { kind: 'mosquitto' } },
    defaultTargets: ['local'],
    profiles: ['lossy'],
    mqtt: ['5.0'],
    tags: ['qos'],
    grep: 'connect',
    bail: true,
    workers: 3,
    timeouts: { step: 1000 },
    reporters: ['junit'],
    outputDir: 'out',
  };

  it.each<[string, CliOverrides, Partial<Record<string, unknown>>]>([
    [
      'config file values',
      {},
      {
        selectedTargets: ['local'],
        profiles: ['lossy'],
        mqtt: ['5.0'],
        tags: ['qos'],
        grep: 'connect',
        bail: true,
        workers: 3,
      },
    ],
    [
      'paths in the file are relative to the file',
      {},
      { paths: ['/etc/h/conformance'], outputDir: '/etc/h/out' },
    ],
    [
      'paths on the command line are relative to cwd',
      { paths: ['a.yaml'], outputDir: 'o' },
      { paths: ['/home/u/project/a.yaml'], outputDir: '/home/u/project/o' },
    ],
    ['a partial timeouts block keeps the other default', {}, { timeouts: { step: 1000, scenario: 30000 } }],
    ['CLI timeouts override', { timeouts: { scenario: 9 } }, { timeouts: { step: 1000, scenario: 9 } }],
    [
      'CLI lists replace file lists',
      { targets: ['aedes'], tags: ['x'], mqtt: ['3.1.1'] },
      { selectedTargets: ['aedes'], tags: ['x'], mqtt: ['3.1.1'] },
    ],
    ['an empty CLI list keeps the file list', { targets: [] }, { selectedTargets: ['local'] }],
    [
      'CLI scalars override',
      { workers: 1, bail: false, grep: 'pub' },
      { workers: 1, bail: false, grep: 'pub' },
    ],
    ['json is always added to the reporters', {}, { reporters: ['junit', 'json'] }],
    [
      'CLI reporters replace the file reporters, deduplicated',
      { reporters: ['list', 'list', 'json'] },
      { reporters: ['list', 'json'] },
    ],
  ])('%s', (_title, overrides, expected) => {
    expect(resolveConfig(file, overrides, environment, '/etc/h/harness.config.yaml')).toMatchObject(expected);
  });

  it.each([
    [true, {}, ['list', 'json']],
    [false, {}, ['dot', 'json']],
    [true, { CI: 'true' }, ['dot', 'json']],
  ])('default reporters: TTY %s env %j → %j', (isTTY, env, expected) => {
    expect(resolveConfig({}, {}, { cwd: '/', isTTY, env }).reporters).toEqual(expected);
  });

  it('named targets carry the config file directory for their relative paths', () => {
    const config = resolveConfig(file, {}, environment, '/etc/h/harness.config.yaml');
    expect(config.targets['local']).toEqual({ kind: 'mosquitto', baseDir: '/etc/h' });
  });
});
