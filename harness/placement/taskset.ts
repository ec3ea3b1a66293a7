// Pinning through taskset (util-linux): a process the harness spawns gets its CPUs at exec, so every
// thread it ever starts inherits them; a thread already running (a load worker) is pinned by its TID.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { readAllowedList, sameCpus } from './cpu-list.js';
import { PlacementError } from './errors.js';

const SEARCHED = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** Absolute path of taskset; throws PlacementError 'taskset-missing'. */
export function tasksetPath(env: NodeJS.ProcessEnv = process.env): string {
  const directories = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SEARCHED];
  for (const directory of directories) {
    const file = join(directory, 'taskset');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new PlacementError(
    'taskset-missing',
    "CPU placement needs 'taskset', which is not installed: apt-get install util-linux",
  );
}

/** `command args` started on `cpus` (the affinity is set before exec, so all its threads have it). */
export function onCpus(cpus: string, command: string, args: string[]): { command: string; args: string[] } {
  return { command: tasksetPath(), args: ['--cpu-list', cpus, command, ...args] };
}

/** Cpus_allowed_list of a process (all its threads started from its first one). */
export function processCpus(pid: number): string | undefined {
  return readAllowedList(`/proc/${pid}/status`);
}

/** Cpus_allowed_list of every thread of a process, by TID. */
export function threadCpus(pid: number): Map<number, string | undefined> {
  const threads = new Map<number, string | undefined>();
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads; // the process is gone
  }
  for (const entry of entries.filter((e) => /^\d+$/.test(e)))
    threads.set(Number(entry), readAllowedList(`/proc/${pid}/task/${entry}/status`));
  return threads;
}

/** The calling thread's Linux thread id (a worker thread's own, not the process's). */
export function currentThreadId(): number {
  const link = readlinkSync('/proc/thread-self'); // "PID/task/TID"
  return Number(link.slice(link.lastIndexOf('/') + 1));
}

/**
 * Pins the calling thread to `cpus` and reads the affinity back; returns the TID and the list the
 * kernel reports. Throws (a plain Error with taskset's message) when the kernel did not take it.
 */
export function pinCurrentThread(cpus: string): { tid: number; cpus: string } {
  const tid = currentThreadId();
  const result = spawnSync(tasksetPath(), ['--pid', '--cpu-list', cpus, String(tid)], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim();
    throw new Error(`cannot pin thread ${tid} to CPUs ${cpus}: ${why}`);
  }
  const applied = readAllowedList('/proc/thread-self/status');
  if (applied === undefined || !sameCpus(applied, cpus))
    throw new Error(`thread ${tid} was pinned to CPUs ${cpus} but runs on ${applied ?? 'unknown CPUs'}`);
  return { tid, cpus: applied };
}
