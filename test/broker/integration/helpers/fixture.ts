// Runs a fixture script in a child node with --expose-gc (through tsx) and parses its last JSON line.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runFixture<T>(
  name: string,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<T> {
  const script = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', script],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${name}: ${error.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as T);
        } catch {
          reject(new Error(`${name}: no JSON result\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}
