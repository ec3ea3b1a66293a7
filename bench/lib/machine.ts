// Is the machine busy? The share of CPU time other work took while nothing of the benchmark ran,
// read from /proc/stat over a short window, and the share the hypervisor stole. A load average says
// less: it decays over a minute, so it still counts the benchmark's own previous run.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** More than this share of every core busy while the benchmark rests: figures describe the machine. */
export const BUSY_SHARE = 0.1;
/** More than this share of CPU time stolen by the hypervisor: the same. */
export const STEAL_SHARE = 0.02;

export interface MachineState {
  /** Share (0–1) of all cores' time spent on anything but idle and iowait during the window. */
  busy: number;
  /** Share (0–1) of all cores' time stolen by the hypervisor during the window. */
  steal: number;
  loadAverage: number;
  cores: number;
  /** Why the machine counts as busy; undefined when it was quiet. */
  reason?: string;
}

function cpuTimes(): { total: number; idle: number; steal: number } | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const fields = readFileSync('/proc/stat', 'latin1')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return {
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      idle: idle + iowait,
      steal,
    };
  } catch {
    return undefined;
  }
}

/** Watches the machine for `windowMs` while the caller runs nothing, and says whether it is busy. */
export async function sampleMachine(windowMs = 1000): Promise<MachineState> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = cpuTimes();
  const cores = availableParallelism();
  const loadAverage = loadavg()[0] ?? 0;
  if (before === undefined || after === undefined || after.total <= before.total)
    return { busy: 0, steal: 0, loadAverage, cores };
  const total = after.total - before.total;
  const busy = 1 - (after.idle - before.idle) / total;
  const steal = (after.steal - before.steal) / total;
  const reasons = [
    ...(busy > BUSY_SHARE ? [`${(busy * 100).toFixed(0)} % of ${cores} cores busy with other work`] : []),
    ...(steal > STEAL_SHARE ? [`${(steal * 100).toFixed(1)} % stolen by the hypervisor`] : []),
  ];
  return { busy, steal, loadAverage, cores, ...(reasons.length > 0 ? { reason: reasons.join(', ') } : {}) };
}
