// Temp dirs of harness-started brokers, each marked with its owner: `harness-owner` holds the PID and
// the start time (/proc, so a reused PID is not taken for the owner) of the harness that made it. A
// harness that was killed before it could clean up leaves its dir; the first broker start of a later
// run sweeps every `harness-*` dir in the temp dir whose owner is dead, with whatever process still
// carries the dir's run marker. Dirs without an owner file (not ours, or older) are left alone.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepMarked } from './sweep.js';

export const OWNER_FILE = 'harness-owner';
/** Set to the run's temp dir in the environment of every process a harness-started broker runs. */
export const BROKER_RUN_MARK = 'HARNESS_BROKER_RUN';
const SWEEP_MS = 5_000;

let swept: Promise<string[]> | undefined;

/** A fresh `harness-<kind>-XXXXXX` dir marked with this process as owner; sweeps stale ones first. */
export async function makeRunDir(kind: string): Promise<string> {
  swept ??= sweepStaleRunDirs().catch(() => []);
  await swept;
  const dir = await mkdtemp(join(tmpdir(), `harness-${kind}-`));
  await writeFile(join(dir, OWNER_FILE), `${await ownerStamp(process.pid)}\n`);
  return dir;
}

/** Removes the dirs (and their marked processes) of dead harness runs; returns the dirs removed. */
export async function sweepStaleRunDirs(parent = tmpdir()): Promise<string[]> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith('harness-')) continue;
    const dir = join(parent, entry);
    const stamp = await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => undefined);
    if (stamp === undefined || (await ownerAlive(stamp.trim()))) continue;
    await sweepMarked(BROKER_RUN_MARK, dir, SWEEP_MS);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** `PID STARTTIME`; STARTTIME is 0 where /proc is missing. */
async function ownerStamp(pid: number): Promise<string> {
  return `${pid} ${(await startTime(pid)) ?? 0}`;
}

async function ownerAlive(stamp: string): Promise<boolean> {
  const [pidText, startText] = stamp.split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
  const start = await startTime(pid);
  return start === undefined || startText === '0' || String(start) === startText;
}

/** Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces). */
async function startTime(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const value = Number(fields[19]);
  return Number.isFinite(value) ? value : undefined;
}
