import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { connectOnce, pidExists } from './probe.js';

const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((target) => target.stop()));
});

describe('mosquitto target', () => {
  it('starts the system mosquitto on a free port, answers CONNECT with CONNACK 0, and stop() ends the process', async () => {
    const target = await startTarget('mosquitto', { cwd: process.cwd() });
    started.push(target);
    expect(target.kind).toBe('mosquitto');
    expect(target.endpoint).toMatchObject({ transport: 'tcp', host: '127.0.0.1' });
    expect(target.url).toBe(`mqtt://127.0.0.1:${target.endpoint.port}`);
    expect(target.version).toMatch(/^2\.\d+\.\d+$/);
    expect(target.capabilities.has('mqtt-5.0')).toBe(true);
    const pid = target.pid!;
    expect(pidExists(pid)).toBe(true);
    expect(target.isAlive()).toBe(true);

    expect(await connectOnce(target.endpoint, 4)).toMatchObject({
      type: 'connack',
      reasonCode: 0,
      sessionPresent: false,
    });
    expect(await connectOnce(target.endpoint, 5)).toMatchObject({ type: 'connack', reasonCode: 0 });
    expect(target.output?.()).toMatch(/mosquitto version/);

    await target.stop();
    expect(pidExists(pid)).toBe(false);
    expect(target.isAlive()).toBe(false);
    await target.stop(); // idempotent
  });

  it('two mosquitto targets run side by side on different ports', async () => {
    const [a, b] = await Promise.all([
      startTarget('mosquitto', { cwd: process.cwd() }),
      startTarget('mosquitto', { cwd: process.cwd() }),
    ]);
    started.push(a, b);
    expect(a.endpoint.port).not.toBe(b.endpoint.port);
    expect(a.pid).not.toBe(b.pid);
  });

  it('a missing binary gives a clear binary-missing error naming apt-get install mosquitto', async () => {
    const start = startTarget(
      { kind: 'mosquitto', options: { binary: '/nonexistent/mosquitto' } },
      { cwd: process.cwd() },
    );
    await expect(start).rejects.toMatchObject({ reason: 'binary-missing' });
    await expect(start).rejects.toThrow(/apt-get install mosquitto/);
  });

  it('a broker that exits at once fails with start-failed and its output, leaving no process', async () => {
    const target = startTarget(
      { kind: 'mosquitto', options: { config: 'no_such_option 1' } },
      { cwd: process.cwd() },
    );
    await expect(target).rejects.toMatchObject({ reason: 'start-failed' });
    await expect(target).rejects.toThrow(/no_such_option|Unknown configuration/i);
  });

  it('rejects unknown options, listing each', async () => {
    const start = startTarget(
      { kind: 'mosquitto', options: { bogus: 1, port: 'x' } },
      { cwd: process.cwd() },
    );
    await expect(start).rejects.toMatchObject({ reason: 'options-invalid' });
    await expect(start).rejects.toThrow(/bogus[\s\S]*port|port[\s\S]*bogus/);
  });
});

describe('command target', () => {
  it('runs any binary from a command and a config template with {{port}}/{{host}}/{{dir}} placeholders', async () => {
    const target = await startTarget(
      {
        kind: 'command',
        options: {
          command: 'mosquitto',
          args: ['-c', '{{dir}}/custom.conf'],
          configName: 'custom.conf',
          config: 'listener {{port}} {{host}}\nallow_anonymous true\n',
          versionArgs: ['-h'],
          capabilities: ['mqtt-3.1.1', 'qos1'],
        },
      },
      { cwd: process.cwd() },
    );
    started.push(target);
    expect(target.kind).toBe('command');
    expect([...target.capabilities]).toEqual(['mqtt-3.1.1', 'qos1']);
    expect(await connectOnce(target.endpoint)).toMatchObject({ type: 'connack', reasonCode: 0 });
    const pid = target.pid!;
    await target.stop();
    expect(pidExists(pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-test-'));
    const script = join(dir, 'stubborn.sh');
    // Listens with node (always present) and ignores SIGTERM.
    await writeFile(
      script,
      `#!/bin/sh\nexec "${process.execPath}" -e "process.on('SIGTERM',()=>{});require('net').createServer().listen(Number(process.argv[1]),'127.0.0.1')" "$1"\n`,
    );
    await chmod(script, 0o755);
    const target = await startTarget(
      { kind: 'command', options: { command: script, args: ['{{port}}'], stopTimeoutMs: 300 } },
      { cwd: process.cwd() },
    );
    const pid = target.pid!;
    expect(pidExists(pid)).toBe(true);
    await target.stop();
    expect(pidExists(pid)).toBe(false);
  });

  async function sleeper(): Promise<{ options: Record<string, unknown>; pid: () => Promise<number> }> {
    const dir = await mkdtemp(join(tmpdir(), 'harness-test-'));
    const pidFile = join(dir, 'pid');
    return {
      // A "broker" that never listens: writes its PID, then sleeps.
      options: { command: 'sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 30`] },
      pid: async () => Number((await readFile(pidFile, 'utf8')).trim()),
    };
  }

  it('a broker that never accepts connections fails after startTimeoutMs and is stopped', async () => {
    const { options, pid } = await sleeper();
    const start = startTarget(
      { kind: 'command', options: { ...options, port: 1, startTimeoutMs: 300 } },
      { cwd: process.cwd() },
    );
    await expect(start).rejects.toMatchObject({ reason: 'start-failed' });
    await expect(start).rejects.toThrow(/no connection accepted on 127\.0\.0\.1:1 within 300 ms/);
    expect(pidExists(await pid())).toBe(false);
  });

  it('aborting the signal while waiting stops the process and rejects with reason aborted', async () => {
    const { options, pid } = await sleeper();
    const controller = new AbortController();
    const start = startTarget(
      { kind: 'command', options },
      { cwd: process.cwd(), signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    await expect(start).rejects.toMatchObject({ reason: 'aborted' });
    expect(pidExists(await pid())).toBe(false);
  });
});
