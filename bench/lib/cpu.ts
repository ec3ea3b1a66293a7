// CPU time used by a process (user + system), read from /proc: how much work a broker spent for the
// messages it delivered, a figure less sensitive than msgs/s to a load generator sharing the cores.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Seconds of CPU used so far by `pid`, or undefined where /proc is not available. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // fields after the command name (which may hold spaces, closed by the last ')')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
    return (user + system) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
