// `harness broker` as a user runs it: a real process, real ports, a config file, SIGTERM to stop.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurs } from './helpers/target.js';
import { connectClient, withTimeout } from './helpers/mqttjs.js';
import { runTool } from './helpers/mosquitto-clients.js';

const CLI = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const cli = (args: string[], input?: string) =>
  runToolWithInput(process.execPath, ['--import', 'tsx', CLI, ...args], input);

function runToolWithInput(command: string, args: string[], input?: string) {
  if (input === undefined) return runTool(command, args, 20_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe.runIf(isOurs)('harness broker', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--help prints the options and exits 0', async () => {
    const r = await cli(['broker', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--tls-port');
    expect(r.stdout).toContain('--config');
  });

  it('reports every config problem with its line and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'listeners:',
        '  - type: tcp',
        '    port: 99999',
        'limits:',
        '  maxPacketSize: -1',
        'colour: blue',
        '',
      ].join('\n'),
    );
    const r = await cli(['broker', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3: listeners\[0\]\.port: expected an integer from 0 to 65535/);
    expect(r.stderr).toMatch(/line 5: limits\.maxPacketSize/);
    expect(r.stderr).toMatch(/line 6: colour: unknown key/);
  });

  it('passwd writes a scrypt entry (password from stdin) and replaces an existing user', async () => {
    const file = join(dir, 'passwd');
    expect((await cli(['broker', 'passwd', file, 'carol'], 'first\n')).code).toBe(0);
    expect((await cli(['broker', 'passwd', file, 'carol', '--password', 'second'])).code).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^carol:scrypt\$/);
  });

  it('serves tcp and ws from flags and a config file, and stops cleanly on SIGTERM', async () => {
    const passwordFile = join(dir, 'users');
    expect((await cli(['broker', 'passwd', passwordFile, 'dave', '--password', 'pw'])).code).toBe(0);
    const config = join(dir, 'broker.yaml');
    await writeFile(
      config,
      [
        'listeners:',
        '  - type: ws',
        '    port: 0',
        '    path: /mqtt',
        'auth:',
        '  passwordFile: users',
        'sys:',
        '  intervalSeconds: 1',
        'log:',
        '  level: info',
        '',
      ].join('\n'),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'broker', '--port', '0', '--config', config],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await withTimeout(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if ((stderr.match(/listening on /g) ?? []).length >= 2) resolve();
          };
          child.stderr.on('data', check);
          check();
        }),
        20_000,
        'broker start',
      );
      const tcp = /listening on (mqtt:\/\/\S+)/.exec(stderr)![1]!;
      const ws = /listening on (ws:\/\/\S+)/.exec(stderr)![1]!;
      const sub = await connectClient(ws, { protocolVersion: 5, username: 'dave', password: 'pw' });
      const pub = await connectClient(tcp, { protocolVersion: 4, username: 'dave', password: 'pw' });
      await sub.subscribe('cli/t', { qos: 1 });
      await pub.publish('cli/t', 'through the cli', { qos: 1 });
      expect((await sub.waitFor((m) => m.topic === 'cli/t', 'message')).payload).toBe('through the cli');
      await Promise.all([sub.end(), pub.end()]);
      await expect(connectClient(tcp, { username: 'dave', password: 'wrong' })).rejects.toThrow();
      process.kill(child.pid!, 'SIGTERM');
      expect(await withTimeout(exited, 10_000, 'exit after SIGTERM')).toBe(0);
      expect(stderr).toContain('stopped');
    } finally {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }
  });
});
