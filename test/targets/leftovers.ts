// Test helper: finds the processes a harness-started broker left behind. Every process such a broker
// starts (the VM, epmd, helpers) inherits its environment, so they are found by one variable whose
// value is unique to the run (HOME=<its temp dir>, or a marker the test sets), also after they
// have been reparented.
import { readdir, readFile } from 'node:fs/promises';

/** PIDs of live processes whose environment holds `name=value` (this user's processes only). */
export async function processesWithEnv(name: string, value: string): Promise<number[]> {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(needle) && (await isAlive(Number(entry)))) found.push(Number(entry));
  }
  return found;
}

/** The value of one environment variable of a running process. */
export async function envOf(pid: number, name: string): Promise<string | undefined> {
  const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
  const line = environ.split('\0').find((entry) => entry.startsWith(`${name}=`));
  return line?.slice(name.length + 1);
}

/** A zombie (exited, not yet reaped by its parent) counts as gone. */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = /\) (\S)/.exec(stat)?.[1];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** The command name of a process ('epmd', 'beam.smp', 'java'), or undefined once it is gone. */
export async function commandOf(pid: number): Promise<string | undefined> {
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return comm?.trim();
}
