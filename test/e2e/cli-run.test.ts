// End to end: the real CLI (`harness run` / `harness validate`) in a child process on inline YAML in a
// temp directory, against a real Mosquitto, reading the JSON report it writes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/model.js';

const MAIN = fileURLToPath(new URL('../../harness/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ENTRY = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then((code) => { process.exitCode = code; })`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  cwd: string,
  onSpawn?: (kill: (signal: NodeJS.Signals) => void, output: () => string) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '-e', ENTRY, ...args], {
      cwd,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    onSpawn?.(
      (signal) => child.kill(signal),
      () => stdout + stderr,
    );
  });
}

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-e2e-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function report(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as RunResult;
}

const PASSING = `name: pub-sub
statements: [MQTT-3.1.0-1]
steps:
  - connect: { client: sub }
  - subscribe: { client: sub, filter: '\${prefix}t', qos: 1 }
  - connect: { client: pub }
  - publish: { client: pub, topic: '\${prefix}t', payload: hello, qos: 1 }
  - expect: { client: sub, packet: { type: publish, topic: '\${prefix}t', payload: hello, qos: 1 } }
`;

const FAILING = `name: wrong-payload
mqtt: '3.1.1'
steps:
  - connect: { client: sub }
  - subscribe: { client: sub, filter: '\${prefix}t' }
  - publish: { client: sub, topic: '\${prefix}t', payload: actual }
  - expect: { client: sub, packet: { type: publish, payload: expected } }
`;

describe('harness run (CLI, Mosquitto)', () => {
  it('exits 0 and writes a JSON report when everything passes', async () => {
    const dir = await project({ 'scenarios/a.yaml': PASSING });
    const run = await cli(
      ['run', 'scenarios', '--target', 'mosquitto', '--reporter', 'json', '-o', 'out'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = await report(dir);
    expect(result.summary).toMatchObject({ total: 2, passed: 2, failed: 0 });
    expect(result.scenarios.map((s) => `${s.name} ${s.mqttVersion} ${s.verdict}`).sort()).toEqual([
      'pub-sub 3.1.1 passed',
      'pub-sub 5.0 passed',
    ]);
    expect(result.targets[0]).toMatchObject({ name: 'mosquitto', kind: 'mosquitto' });
  });

  it('exits 1 on a failure and reports the evidence with file:line', async () => {
    const dir = await project({ 'scenarios/a.yaml': PASSING, 'scenarios/b.yaml': FAILING });
    const run = await cli(
      ['run', 'scenarios', '-t', 'mosquitto', '-r', 'json', '-o', 'out', '--mqtt', '3.1.1'],
      dir,
    );
    expect(run.code).toBe(1);
    const result = await report(dir);
    expect(result.summary).toMatchObject({ total: 2, passed: 1, failed: 1 });
    const failed = result.scenarios.find((s) => s.verdict === 'failed');
    expect(failed?.failure).toMatchObject({
      stepIndex: 3,
      stepKind: 'expect',
      location: 'scenarios/b.yaml:7',
      client: 'sub',
      message: expect.stringMatching(
        /^unexpected PUBLISH \(30 [0-9a-f ]+\): payload: expected "expected", got "actual"$/,
      ),
    });
    const last = failed?.failure?.received?.at(-1);
    expect(last?.decoded).toMatchObject({ type: 'publish', payload: { utf8: 'actual' } });
  });

  it('exits 2 with file:line:column for an invalid scenario and runs nothing', async () => {
    const dir = await project({
      'scenarios/bad.yaml': 'name: bad\nsteps:\n  - connect: { keepAlive: -1, colour: red }\n',
    });
    const run = await cli(['run', 'scenarios', '-t', 'mosquitto', '-r', 'json', '-o', 'out'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("scenarios/bad.yaml:3:31: steps[0].connect.colour: unknown key 'colour'");
    expect(run.stderr).toContain('scenarios/bad.yaml:3:27: steps[0].connect.keepAlive: must be >= 0');
  });

  it('writes partial results when interrupted with SIGINT', async () => {
    const slow = `name: slow\nmqtt: '3.1.1'\nsteps:\n  - connect: {}\n  - wait: 20000\n`;
    const quick = `name: quick\nmqtt: '3.1.1'\nsteps:\n  - connect: {}\n`;
    const dir = await project({ 'scenarios/a.yaml': quick, 'scenarios/b.yaml': slow });
    const args = ['run', 'scenarios', '-t', 'mosquitto', '-r', 'list', '-r', 'json', '-o', 'out', '-w', '1'];
    const run = await cli(args, dir, (kill, output) => {
      // Interrupt once the quick scenario has been reported: the slow one is running then.
      const poll = setInterval(() => {
        if (/quick/.test(output())) {
          clearInterval(poll);
          setTimeout(() => kill('SIGINT'), 300);
        }
      }, 50);
    });
    expect(run.code).toBe(1);
    const result = await report(dir);
    expect(result.interrupted).toEqual({ reason: 'interrupted' });
    expect(result.scenarios.map((s) => `${s.name} ${s.verdict}`)).toEqual(['quick passed', 'slow skipped']);
  });
});
