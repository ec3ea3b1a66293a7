import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConfigFile } from '../../harness/config/index.js';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-config-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const environment = (cwd: string) => ({ cwd, isTTY: false, env: {} });

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config file loading', () => {
  it('no file: an empty config', async () => {
    const dir = await project({});
    expect(await loadConfigFile(dir)).toEqual({ file: null, config: {} });
  });

  it.each(['harness.config.yaml', 'harness.config.yml'])(
    'finds %s in the working directory',
    async (name) => {
      const dir = await project({ [name]: 'workers: 2\ntimeouts:\n  step: 100\n' });
      const config = await loadConfig({}, environment(dir));
      expect(config).toMatchObject({
        configFile: join(dir, name),
        workers: 2,
        timeouts: { step: 100, scenario: 30000 },
      });
    },
  );

  it('reads JSON', async () => {
    const dir = await project({ 'harness.config.json': '{"bail": true, "mqtt": ["3.1.1"]}' });
    expect(await loadConfig({}, environment(dir))).toMatchObject({ bail: true, mqtt: ['3.1.1'] });
  });

  it('imports .mjs (default export object or function)', async () => {
    const dir = await project({
      'harness.config.mjs':
        'export default async () => ({ targets: { m: { kind: "mosquitto" } }, defaultTargets: ["m"] });',
    });
    expect(await loadConfig({}, environment(dir))).toMatchObject({ selectedTargets: ['m'] });
  });

  it('imports .ts when running under tsx (as vitest does here)', async () => {
    const dir = await project({
      'harness.config.ts': 'const workers: number = 7;\nexport default { workers };\n',
    });
    expect(await loadConfig({}, environment(dir))).toMatchObject({ workers: 7 });
  });

  it('--config names a file anywhere; paths in it are relative to it; CLI still overrides', async () => {
    const dir = await project({ 'conf/h.yaml': 'paths: [s]\nworkers: 2\n' });
    const config = await loadConfig({ configFile: 'conf/h.yaml', workers: 5 }, environment(dir));
    expect(config).toMatchObject({ paths: [join(dir, 'conf/s')], workers: 5, rootDir: join(dir, 'conf') });
  });

  it('--config with a missing file: not-found', async () => {
    const dir = await project({});
    expect((await failure(loadConfig({ configFile: 'nope.yaml' }, environment(dir)))).reason).toBe(
      'not-found',
    );
  });

  it('a YAML syntax error: parse', async () => {
    const dir = await project({ 'harness.config.yaml': 'workers: [1,\n' });
    const error = await failure(loadConfig({}, environment(dir)));
    expect(error.reason).toBe('parse');
    expect(error.code).toBe('HARNESS_OPTIONS_INVALID');
  });

  it('lists every schema problem with file:line:column, unknown keys included', async () => {
    const dir = await project({
      'harness.config.yaml': [
        'workers: 0',
        'timeouts:',
        '  step: fast',
        'reportrs: [list]',
        'targets:',
        '  local:',
        '    kind: nats',
        'mqtt: ["4"]',
        '',
      ].join('\n'),
    });
    const error = await failure(loadConfig({}, environment(dir)));
    expect(error.reason).toBe('invalid');
    const file = join(dir, 'harness.config.yaml');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        `${file}:1:10: workers: must be >= 1`,
        `${file}:3:9: timeouts.step: must be integer`,
        expect.stringMatching(/^\S+:4:1: reportrs: unknown key 'reportrs' \(allowed: paths, /),
        `${file}:7:11: targets.local.kind: must be one of "reference", "mosquitto", "aedes", "url", "command"`,
        `${file}:8:8: mqtt[0]: must be one of "3.1.1", "5.0"`,
      ]),
    );
    expect(error.issues).toHaveLength(5);
  });

  it('a .mjs config that throws: load-failed', async () => {
    const dir = await project({ 'harness.config.mjs': 'throw new Error("boom");' });
    const error = await failure(loadConfig({}, environment(dir)));
    expect(error.reason).toBe('load-failed');
    expect(error.message).toMatch(/boom/);
  });

  it('an unsupported extension: parse', async () => {
    const dir = await project({ 'h.toml': 'x = 1' });
    expect((await failure(loadConfig({ configFile: 'h.toml' }, environment(dir)))).reason).toBe('parse');
  });
});
