// End to end: the real CLI on inline scenario files against real brokers, reading the JSON report.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/model.js';
import { CONNECT_SCENARIO, PUBLISH_SCENARIO, project, runCli } from './helpers.js';

const FAILING_SCENARIO = `name: puback-wrong-id
mqtt: '3.1.1'
steps:
  - connect: { client: a }
  - send: { client: a, packet: { type: publish, topic: '\${prefix}t', qos: 1, packetId: 7, payload: x } }
  - expect: { client: a, packet: { type: puback, packetId: 8 }, timeout: 2000 }
`;

async function report(dir: string, outputDir = 'reports'): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, outputDir, 'results.json'), 'utf8')) as RunResult;
}

describe('harness run', () => {
  it('passes against mosquitto and aedes; Aedes skips 5.0 scenarios; exit 0; JSON report written', async () => {
    const dir = await project({ 's/one.yaml': CONNECT_SCENARIO, 's/two.yaml': PUBLISH_SCENARIO });
    const result = await runCli(['run', 's', '-t', 'mosquitto', '-t', 'aedes', '-w', '2'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = await report(dir);
    expect(json.targets.map((target) => target.kind)).toEqual(['mosquitto', 'aedes']);
    expect(json.summary).toMatchObject({ total: 6, passed: 4, failed: 0, skipped: 2 });
    const skipped = json.scenarios.filter((scenario) => scenario.verdict === 'skipped');
    expect(skipped.every((scenario) => scenario.target === 'aedes' && scenario.mqttVersion === '5.0')).toBe(
      true,
    );
  });

  it('a failing scenario exits 1 and the report holds the evidence', async () => {
    const dir = await project({ 's/fail.yaml': FAILING_SCENARIO });
    const result = await runCli(['run', 's', '--target', 'mosquitto', '--output-dir', 'out'], dir);
    expect(result.code).toBe(1);
    const json = await report(dir, 'out');
    expect(json.summary).toMatchObject({ total: 1, failed: 1 });
    expect(json.scenarios[0]).toMatchObject({ name: 'puback-wrong-id', verdict: 'failed' });
  });

  it('flags override the config file: --mqtt narrows, --reporter adds junit next to json', async () => {
    const dir = await project({
      'harness.config.yaml':
        'paths: [s]\ndefaultTargets: [local]\ntargets:\n  local: { kind: mosquitto }\nreporters: [dot]\n',
      's/one.yaml': CONNECT_SCENARIO,
    });
    const result = await runCli(['run', '--mqtt', '3.1.1', '--reporter', 'junit'], dir);
    expect(result.code).toBe(0);
    const json = await report(dir);
    expect(json.targets).toMatchObject([{ name: 'local', kind: 'mosquitto' }]);
    expect(json.scenarios.map((scenario) => scenario.mqttVersion)).toEqual(['3.1.1']);
    await expect(readFile(join(dir, 'reports', 'junit.xml'), 'utf8')).resolves.toMatch(/<testsuites/);
  });

  it('a target whose broker is not installed exits 2 before anything runs', async () => {
    const dir = await project({
      'harness.config.yaml':
        'targets:\n  m: { kind: mosquitto, options: { binary: /nonexistent/mosquitto } }\n',
      's/one.yaml': CONNECT_SCENARIO,
    });
    const result = await runCli(['run', 's', '-t', 'm'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not found: install it with 'apt-get install mosquitto'/);
  });

  it('a URL target that accepts no connection exits 2 before anything runs', async () => {
    const { freePort } = await import('../../harness/targets/network.js');
    const dir = await project({ 's/one.yaml': CONNECT_SCENARIO });
    const result = await runCli(['run', 's', '-t', `mqtt://127.0.0.1:${await freePort()}`], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not accept TCP connections/);
  });

  it('an invalid scenario file exits 2 with file:line:column', async () => {
    const dir = await project({ 's/bad.yaml': 'name: bad\nsteps:\n  - frobnicate: {}\n' });
    const result = await runCli(['run', 's', '-t', 'mosquitto'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/s\/bad\.yaml:3:\d+/);
  });

  it('runs against the embedded reference broker by default', async () => {
    const dir = await project({ 's/one.yaml': CONNECT_SCENARIO });
    const result = await runCli(['run', 's'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await report(dir)).summary).toMatchObject({ total: 2, passed: 2 });
  });
});
