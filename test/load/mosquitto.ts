// Test helper: a private Mosquitto on a free loopback port with a generated config, wrapped as a
// StartedTarget (pid included, so the engine samples its CPU and RSS).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedTarget } from '../../harness/targets/types.js';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
}

export interface TestBroker extends StartedTarget {
  process: ChildProcess;
}

export async function startMosquitto(extraConfig: string[] = []): Promise<TestBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'load-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 0',
      'max_connections -1',
      'set_tcp_nodelay true',
      'log_type error',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let alive = true;
  child.once('exit', () => (alive = false));
  try {
    await waitForPort(port, 5000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
  const endpoint = { transport: 'tcp' as const, host: '127.0.0.1', port };
  return {
    name: 'mosquitto',
    kind: 'mosquitto',
    endpoint,
    url: `mqtt://127.0.0.1:${port}`,
    capabilities: new Set([
      'mqtt-3.1.1',
      'mqtt-5.0',
      'qos1',
      'qos2',
      'retain',
      'wildcards',
      'shared-subscriptions',
    ]),
    knownDeviations: [],
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    process: child,
    isAlive: () => alive,
    stop: async () => {
      if (alive) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 3000);
          child.once('exit', () => (clearTimeout(timer), resolve()));
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
