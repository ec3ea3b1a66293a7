// Starts one of the bench/lib/serve-*.ts scripts as a child process on a free port.
import { fileURLToPath } from 'node:url';
import { spawnChild } from './child.js';
import { freePort, waitForPort } from './ports.js';
import type { PeerBroker } from './mosquitto.js';

/**
 * `options`: JSON-serialisable broker options handed to the script (serve-ours.ts reads them).
 * `nodeFlags`: flags for the child's node (e.g. --expose-gc).
 */
export async function startNodeBroker(
  name: string,
  script: 'serve-ours.ts' | 'serve-aedes.ts',
  options?: Record<string, unknown>,
  nodeFlags: string[] = [],
): Promise<PeerBroker> {
  const port = await freePort();
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const args = [...nodeFlags, '--import', 'tsx', file, String(port)];
  if (options !== undefined) args.push(JSON.stringify(options));
  const child = spawnChild(process.execPath, args);
  try {
    await waitForPort(port, '127.0.0.1', 15_000);
  } catch (error) {
    await child.stop();
    throw new Error(`${name} did not start: ${(error as Error).message}\n${child.output()}`, {
      cause: error,
    });
  }
  return {
    name,
    host: '127.0.0.1',
    port,
    pid: child.process.pid,
    close: () => child.stop(),
    output: () => child.output(),
  };
}
