// Test helper: finds the processes a harness-started broker left behind. Every process such a broker
// starts (the VM, epmd, helpers) inherits its environment, so they are found by one variable whose
// value is unique to the run (HOME=<its temp dir>, or a marker the test sets), also after they
// have been reparented.
import { readFile } from 'node:fs/promises';

export { processesWithEnv } from '../../harness/targets/sweep.js';

/** The value of one environment variable of a running process. */
export async function envOf(pid: number, name: string): Promise<string | undefined> {
  const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
  const line = environ.split('\0').find((entry) => entry.startsWith(`${name}=`));
  return line?.slice(name.length + 1);
}

/** The command name of a process ('epmd', 'beam.smp', 'java'), or undefined once it is gone. */
export async function commandOf(pid: number): Promise<string | undefined> {
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return comm?.trim();
}

/** True for a process that has exited and waits to be reaped (it holds no resources any more). */
export async function zombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return /\) [ZX]/.test(stat) || stat === '';
}
