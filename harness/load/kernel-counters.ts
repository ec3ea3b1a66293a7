// The kernel's own count of what went wrong with TCP on this machine, read before and after a load:
// a connection storm whose accept queue overflowed measures the kernel's SYN retry timer (1 s, 3 s,
// ...), not the broker. Linux only, machine-wide (every process on the machine counts, and a network
// namespace has its own counters); where /proc cannot be read the load simply carries no `kernel`.
import { readFileSync } from 'node:fs';
import type { KernelCounters } from '../result/index.js';

/** Reads a /proc/net file: header line / value line pairs, `Prefix: name name ...` then `Prefix: 1 2 ...`. */
export function parseProcNet(text: string): Map<string, number> {
  const values = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [prefix = '', ...names] = lines[i]!.trim().split(/\s+/);
    const [valuePrefix, ...numbers] = lines[i + 1]!.trim().split(/\s+/);
    if (valuePrefix !== prefix) continue;
    names.forEach((name, index) => values.set(`${prefix}${name}`, Number(numbers[index] ?? 0)));
  }
  return values;
}

/** The counters now, or undefined when this machine does not have them. */
export function readKernelCounters(
  read: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): KernelCounters | undefined {
  try {
    const netstat = parseProcNet(read('/proc/net/netstat'));
    const snmp = parseProcNet(read('/proc/net/snmp'));
    const overflows = netstat.get('TcpExt:ListenOverflows');
    if (overflows === undefined) return undefined;
    return {
      listenOverflows: overflows,
      listenDrops: netstat.get('TcpExt:ListenDrops') ?? 0,
      synRetransmits: netstat.get('TcpExt:TCPSynRetrans') ?? 0,
      retransmittedSegments: snmp.get('Tcp:RetransSegs') ?? 0,
    };
  } catch {
    return undefined;
  }
}

/** after − before, each counter (never negative: a counter that wrapped counts as 0). */
export function kernelDelta(before: KernelCounters, after: KernelCounters): KernelCounters {
  const delta = (key: keyof KernelCounters): number => Math.max(0, after[key] - before[key]);
  return {
    listenOverflows: delta('listenOverflows'),
    listenDrops: delta('listenDrops'),
    synRetransmits: delta('synRetransmits'),
    retransmittedSegments: delta('retransmittedSegments'),
  };
}

/** Starts counting; stop() gives the change, or undefined where the counters cannot be read. */
export function countKernel(): { stop(): KernelCounters | undefined } {
  const before = readKernelCounters();
  return {
    stop: () => {
      const after = before === undefined ? undefined : readKernelCounters();
      return before === undefined || after === undefined ? undefined : kernelDelta(before, after);
    },
  };
}
