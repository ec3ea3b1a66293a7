import { describe, expect, it } from 'vitest';
import { CONNECT_SCENARIO, PUBLISH_SCENARIO, project, runCli } from './helpers.js';

describe('harness validate', () => {
  it('valid scenarios exit 0', async () => {
    const dir = await project({ 's/one.yaml': CONNECT_SCENARIO, 's/two.yaml': PUBLISH_SCENARIO });
    const result = await runCli(['validate', 's'], dir);
    expect(result).toMatchObject({ code: 0, stdout: '2 scenarios in 2 files: valid\n' });
  });

  it('uses the config paths when none are given', async () => {
    const dir = await project({
      'harness.config.yaml': 'paths: [conformance]\n',
      'conformance/one.yaml': CONNECT_SCENARIO,
    });
    expect(await runCli(['validate'], dir)).toMatchObject({
      code: 0,
      stdout: '1 scenario in 1 file: valid\n',
    });
  });

  it('lists every problem as file:line:column and exits 2', async () => {
    const dir = await project({
      's/bad.yaml': 'name: bad\nsteps:\n  - connect: { client: a, keepAlive: many }\n  - frobnicate: {}\n',
      's/one.yaml': CONNECT_SCENARIO,
    });
    const result = await runCli(['validate', 's'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^s\/bad\.yaml:3:\d+: /m);
    expect(result.stderr).toMatch(/^s\/bad\.yaml:4:\d+: /m);
    expect(result.stderr).toMatch(/\d+ problems? \(2 files checked\)/);
  });

  it('checks configured targets without starting them', async () => {
    const dir = await project({
      'harness.config.yaml': 'targets:\n  m:\n    kind: mosquitto\n    options: { prot: 1 }\n',
      's/one.yaml': CONNECT_SCENARIO,
    });
    const result = await runCli(['validate', 's'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /target 'm': invalid options for a 'mosquitto' target:\n\s+options\.prot: unknown key 'prot'/,
    );
  });

  it('--json prints the files, scenario names and issues', async () => {
    const dir = await project({ 's/one.yaml': CONNECT_SCENARIO });
    const result = await runCli(['validate', 's', '--json'], dir);
    expect(JSON.parse(result.stdout)).toEqual({
      files: ['s/one.yaml'],
      scenarios: ['connect-basic'],
      issues: [],
      targetProblems: [],
    });
  });

  it('a missing path exits 2', async () => {
    const dir = await project({});
    const result = await runCli(['validate', 'nowhere'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/scenario path not found/);
  });
});

describe('harness list', () => {
  const files = { 's/one.yaml': CONNECT_SCENARIO, 's/two.yaml': PUBLISH_SCENARIO };

  it.each([
    [[], ['connect-basic', 'publish-qos1']],
    [['--grep', '^pub'], ['publish-qos1']],
    [['--tag', 'connect'], ['connect-basic']],
    [
      ['--tag', 'connect', '--tag', 'qos'],
      ['connect-basic', 'publish-qos1'],
    ],
    [['--mqtt', '3.1.1'], ['connect-basic']],
    [['--mqtt', '5.0', '--tag', 'nothing'], []],
  ])('list s %j', async (flags, names) => {
    const dir = await project(files);
    const result = await runCli(['list', 's', '--json', ...flags], dir);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { name: string }[]).map((entry) => entry.name)).toEqual(names);
  });

  it('prints a table with versions, level, tags, statements and location', async () => {
    const dir = await project(files);
    const { stdout } = await runCli(['list', 's'], dir);
    expect(stdout).toMatch(/^connect-basic\s+3\.1\.1,5\.0\s+must\s+connect\s+1 stmt\s+s\/one\.yaml:1$/m);
    expect(stdout).toMatch(/^2 scenarios$/m);
  });

  it('--targets lists built-in and configured targets and the default', async () => {
    const dir = await project({
      'harness.config.yaml': 'targets:\n  local: { kind: mosquitto }\ndefaultTargets: [local]\n',
    });
    const { code, stdout } = await runCli(['list', '--targets', '--json'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      default: ['local'],
      targets: [
        { name: 'reference', kind: 'reference' },
        { name: 'mosquitto', kind: 'mosquitto' },
        { name: 'aedes', kind: 'aedes' },
        { name: 'rabbitmq', kind: 'rabbitmq' },
        { name: 'activemq', kind: 'activemq' },
        { name: 'ejabberd', kind: 'ejabberd' },
        { name: 'local', kind: 'mosquitto' },
      ],
    });
  });

  it('an invalid scenario makes list exit 2', async () => {
    const dir = await project({ 's/bad.yaml': 'name: bad\n' });
    expect((await runCli(['list', 's'], dir)).code).toBe(2);
  });
});
