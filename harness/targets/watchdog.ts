// A harness-started broker dies with the harness, whatever ends the harness (SIGKILL and the OOM
// killer included, where no exit hook runs). Two guards, because each covers what the other cannot:
//
//   harness ──pipe (write end)──▶ watchdog (own session)      broker (own process group)
//      │                             │ reads until EOF           ▲   ▲ helpers it forks (same group)
//      │                             └─ on EOF: SIGKILL -pgid ───┘   │ Erlang helpers in sessions of
//      │                                sweep HARNESS_BROKER_RUN ────┘ their own: found by env marker
//      │                                remove the temp dir
//      └─ spawn through `setpriv --pdeathsig KILL`: the kernel kills the broker's first process when
//         the harness dies, even if the watchdog was killed too (then the temp dir stays until the
//         next run sweeps it, run-dir.ts).
//
// The kernel closes the pipe's write end when the harness dies, however it dies; the watchdog sees
// EOF and ends every group it guards. A group stopped in order is released first, so a PGID the
// system reuses later is never signalled. One watchdog serves every broker of a harness process.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** The watchdog, plain CommonJS for `node -e`: `guard PGID DIR|-` and `release PGID` lines on stdin. */
export const WATCHDOG_PROGRAM = String.raw`
const fs = require('fs');
const guarded = new Map();
let pending = '';
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline = pending.indexOf('\n');
  while (newline >= 0) {
    const [verb, pgid, dir] = pending.slice(0, newline).split(' ');
    pending = pending.slice(newline + 1);
    if (verb === 'guard') guarded.set(pgid, dir === '-' ? undefined : dir);
    if (verb === 'release') guarded.delete(pgid);
    newline = pending.indexOf('\n');
  }
});
const marked = (value) => {
  const needle = 'HARNESS_BROKER_RUN=' + value;
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync('/proc/' + entry + '/environ', 'latin1').split('\0').includes(needle)) found.push(Number(entry));
    } catch {}
  }
  return found;
};
const fire = () => {
  for (const [pgid, dir] of guarded) {
    try { process.kill(-Number(pgid), 'SIGKILL'); } catch {}
    if (dir === undefined) continue;
    for (let round = 0; round < 5; round++) {
      let left = [];
      try { left = marked(dir); } catch {}
      if (left.length === 0) break;
      for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    }
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch {}
  }
  process.exit(0);
};
process.stdin.on('end', fire);
process.stdin.on('error', fire);
`;

export const PDEATHSIG_WRAPPER = '/usr/bin/setpriv';

let watchdog: ChildProcess | undefined;
let wrapperChecked: boolean | undefined;

/** Starts the watchdog on first use; it lives (unreferenced) as long as this process. */
function ensureWatchdog(): ChildProcess | undefined {
  if (watchdog?.stdin?.writable === true) return watchdog;
  try {
    const child = spawn(process.execPath, ['-e', WATCHDOG_PROGRAM], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true, // own session: a Ctrl-C or a kill of the harness's group does not reach it
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog = child;
    return child;
  } catch {
    return undefined;
  }
}

/** Ends the group `pgid` (and the processes marked with `dir`, and the dir) if this process dies. */
export function guardGroup(pgid: number, dir: string | undefined): void {
  ensureWatchdog()?.stdin?.write(`guard ${pgid} ${dir ?? '-'}\n`);
}

/** The group was stopped in order: the watchdog forgets it. */
export function releaseGroup(pgid: number): void {
  if (watchdog?.stdin?.writable === true) watchdog.stdin.write(`release ${pgid}\n`);
}

/** PID of the watchdog, if one runs (for tests). */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}

/** `command args` wrapped so the kernel kills it when this process dies (Linux with util-linux). */
export function withParentDeathSignal(command: string, args: string[]): { command: string; args: string[] } {
  wrapperChecked ??= hasWrapper();
  if (!wrapperChecked) return { command, args };
  return { command: PDEATHSIG_WRAPPER, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}

function hasWrapper(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    accessSync(PDEATHSIG_WRAPPER, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
