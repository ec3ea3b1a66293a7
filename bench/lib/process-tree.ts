// A process and its descendants seen from /proc: their resident memory and their open file
// descriptors (on a broker, one per connection plus a few). A sampler keeps the peak of the sum and
// of each process, so a multi-process generator (`--processes N`) is measured as a whole.
import { readdirSync, readFileSync } from 'node:fs';
import { rssBytes } from './rss.js';

/** `pid` and every process below it (children of children...), from /proc/<pid>/stat. */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++)
    for (const [child, parent] of parentOf) if (parent === tree[index]) tree.push(child);
  return tree;
}

/** Open file descriptors of `pid` (undefined once it is gone). */
export function openFiles(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

export interface TreePeaks {
  /** Peak of the summed RSS over the processes (bytes). */
  rssSum: number;
  /** Peak RSS of each process seen (pid → bytes). */
  rssEach: Map<number, number>;
  /** Peak of the summed open file descriptors. */
  filesSum: number;
  /** Peak open file descriptors of each process. */
  filesEach: Map<number, number>;
}

/**
 * Samples the given roots (each with its descendants when `withChildren`) every `intervalMs`
 * until stopped; counting descriptors reads /proc/<pid>/fd, cheap next to the connections it counts.
 */
export function sampleTrees(
  roots: () => readonly number[],
  options: { withChildren: boolean; countFiles: boolean; intervalMs?: number },
): { peaks: TreePeaks; stop(): TreePeaks } {
  const peaks: TreePeaks = { rssSum: 0, rssEach: new Map(), filesSum: 0, filesEach: new Map() };
  const take = (): void => {
    const pids = roots().flatMap((pid) => (options.withChildren ? processTree(pid) : [pid]));
    let rss = 0;
    let files = 0;
    for (const pid of pids) {
      const bytes = rssBytes(pid) ?? 0;
      rss += bytes;
      peaks.rssEach.set(pid, Math.max(peaks.rssEach.get(pid) ?? 0, bytes));
      if (options.countFiles) {
        const open = openFiles(pid) ?? 0;
        files += open;
        peaks.filesEach.set(pid, Math.max(peaks.filesEach.get(pid) ?? 0, open));
      }
    }
    peaks.rssSum = Math.max(peaks.rssSum, rss);
    peaks.filesSum = Math.max(peaks.filesSum, files);
  };
  take();
  const timer = setInterval(take, options.intervalMs ?? 1000);
  return {
    peaks,
    stop() {
      clearInterval(timer);
      take();
      return peaks;
    },
  };
}
