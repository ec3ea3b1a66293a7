// The last step of stopping a broker the harness started: whatever still carries its run's marker in
// its environment is killed. Erlang's helpers (erl_child_setup, inet_gethost) start sessions of
// their own, so neither the broker's PID nor its process group reaches them; they inherit the
// environment, though, and that finds them however they were reparented. Linux only (/proc);
// elsewhere there is nothing to find and the sweep does nothing.
import { readdir, readFile } from 'node:fs/promises';

const POLL_MS = 20;

/** Live processes (zombies excluded) whose environment holds `name=value`, other than this one. */
export async function processesWithEnv(name: string, value: string): Promise<number[]> {
  const needle = `${name}=${value}`;
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(needle) && (await isAlive(Number(entry)))) found.push(Number(entry));
  }
  return found;
}

/** SIGKILLs every process marked `name=value` and waits (at most `timeoutMs`) until they are gone. */
export async function sweepMarked(name: string, value: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = await processesWithEnv(name, value);
  while (left.length > 0 && Date.now() < deadline) {
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone in the meantime
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = await processesWithEnv(name, value);
  }
  return left;
}

async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = /\) (\S)/.exec(stat)?.[1];
  return state !== undefined && state !== 'Z' && state !== 'X';
}
