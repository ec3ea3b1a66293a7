// Runs ip/tc/nft with a timeout; never throws, the caller decides what a failure means.
import { execFile } from 'node:child_process';

export interface ExecResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: readonly string[], timeoutMs = 5_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ ok: error === null, stdout, stderr: stderr.trim() || (error?.message ?? '') });
    });
  });
}

/** Runs a command inside a network namespace. */
export function runIn(namespace: string, command: string, args: readonly string[]): Promise<ExecResult> {
  return run('ip', ['netns', 'exec', namespace, command, ...args]);
}
