// Runs Debian's Mosquitto as a peer broker on a free loopback port with a generated config.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './child.js';
import { freePort, waitForPort } from './ports.js';

export const MOSQUITTO_BIN = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));

export interface PeerBroker {
  name: string;
  host: string;
  port: number;
  pid: number | undefined;
  close(): Promise<void>;
  /** The tail of the broker's stdout and stderr, where the starter keeps it. */
  output?(): string;
}

export async function startMosquitto(extraConfig: string[] = []): Promise<PeerBroker> {
  if (MOSQUITTO_BIN === undefined) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const config = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'max_queued_messages 1000',
    'log_dest none',
    ...extraConfig,
    '',
  ].join('\n');
  const file = join(dir, 'mosquitto.conf');
  await writeFile(file, config);
  const child = spawnChild(MOSQUITTO_BIN, ['-c', file]);
  try {
    await waitForPort(port);
  } catch (error) {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mosquitto did not start: ${(error as Error).message}\n${child.output()}`, {
      cause: error,
    });
  }
  return {
    name: 'mosquitto',
    host: '127.0.0.1',
    port,
    pid: child.process.pid,
    async close() {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
