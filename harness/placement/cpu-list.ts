// CPU lists in the Linux notation (`0`, `0-1`, `0,2-3`: what taskset -c takes and what
// /proc/PID/status prints as Cpus_allowed_list), checked against the CPUs this process may use.
import { readFileSync } from 'node:fs';
import { PlacementError } from './errors.js';

/** Above any CPU id a real machine has; guards against `0-99999999` building a huge array. */
const MAX_CPU_ID = 8191;
const LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** The CPU ids of a list, ascending, each once; throws PlacementError 'malformed'. */
export function parseCpuList(list: string, what = 'cpus'): number[] {
  if (!LIST.test(list)) {
    throw new PlacementError(
      'malformed',
      `${what} '${list}' is not a CPU list: use CPU ids and ranges like 0, 0-1 or 0,2-3`,
    );
  }
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const [low, high = low] = part.split('-').map(Number) as [number, number?];
    if (high < low) throw new PlacementError('malformed', `${what} '${list}': range ${part} runs backwards`);
    if (high > MAX_CPU_ID)
      throw new PlacementError('malformed', `${what} '${list}': CPU ${high} is out of range`);
    for (let cpu = low; cpu <= high; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The shortest list for a set of CPU ids: [0, 1, 3] → '0-1,3'. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Cpus_allowed_list of a /proc status file (`/proc/self/status`, `/proc/PID/task/TID/status`). */
export function readAllowedList(statusFile: string): string | undefined {
  let status: string;
  try {
    status = readFileSync(statusFile, 'utf8');
  } catch {
    return undefined;
  }
  return /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(status)?.[1];
}

/** The CPUs this process may run on (Linux); undefined where /proc cannot tell. */
export function allowedCpus(): number[] | undefined {
  const list = readAllowedList('/proc/self/status');
  return list === undefined ? undefined : parseCpuList(list, 'Cpus_allowed_list');
}

/**
 * A CPU list checked before anything starts: well formed and inside the CPUs this process may use
 * (a pinned process cannot run anywhere else). Returns its canonical form; throws PlacementError.
 */
export function checkCpuList(list: string, what = 'cpus'): string {
  const cpus = parseCpuList(list, what);
  const allowed = allowedCpus();
  if (allowed === undefined) {
    throw new PlacementError(
      'unsupported',
      `${what} '${list}': CPU placement needs Linux (/proc/self/status has no Cpus_allowed_list here)`,
    );
  }
  const outside = cpus.filter((cpu) => !allowed.includes(cpu));
  if (outside.length > 0) {
    throw new PlacementError(
      'unavailable',
      `${what} '${list}': CPU ${formatCpuList(outside)} is not one this process may use (allowed: ${formatCpuList(allowed)})`,
    );
  }
  return formatCpuList(cpus);
}

/** Whether two CPU lists name the same CPUs ('0-1' and '0,1' do). */
export function sameCpus(a: string, b: string): boolean {
  return formatCpuList(parseCpuList(a)) === formatCpuList(parseCpuList(b));
}
