// Helpers for the network end-to-end tests: the real CLI in a child process, a temporary project
// directory, and TCP counters read inside a network namespace.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../harness/result/model.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../harness/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ENTRY = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then((code) => { process.exitCode = code; })`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `harness ARGS` in `cwd`; killed after `limitMs`. */
export function cli(args: string[], cwd: string, limitMs = 90_000): Promise<CliRun> {
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
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary project directory holding the given files. */
export async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'net-e2e-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

export async function readResults(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as RunResult;
}

/** TCP counters of a namespace (`Tcp:` lines of /proc/net/snmp), e.g. RetransSegs, OutSegs. */
export function tcpCounters(namespace: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', namespace, 'cat', '/proc/net/snmp'],
      { timeout: 5_000 },
      (error, stdout) => {
        if (error) return reject(new Error(`reading TCP counters in ${namespace}: ${error.message}`));
        const lines = stdout.split('\n').filter((l) => l.startsWith('Tcp:'));
        const names = (lines[0] ?? '').split(/\s+/).slice(1);
        const values = (lines[1] ?? '').split(/\s+/).slice(1).map(Number);
        resolve(Object.fromEntries(names.map((n, i) => [n, values[i] ?? NaN])));
      },
    );
  });
}

/** Sum of a TCP counter over several namespaces. */
export async function sumCounter(namespaces: readonly string[], name: string): Promise<number> {
  let total = 0;
  for (const ns of namespaces) total += (await tcpCounters(ns))[name] ?? 0;
  return total;
}
