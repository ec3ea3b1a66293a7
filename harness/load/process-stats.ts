// CPU and memory of the generator (this process, all threads) and of a local broker process, the
// latter sampled from /proc/<pid>/stat (utime + stime) and /proc/<pid>/status (VmRSS) once a second;
// the generator's run-queue wait (time its threads were ready but had no CPU) from schedstat.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run on). */
const CLOCK_TICKS = 100;

export interface ProcessUsage {
  cpuPercent: number;
  rssMaxBytes: number;
  rssSamples: { atMs: number; rssBytes: number }[];
}

function readCpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function readRssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Sample a process until stop(); undefined when it cannot be read (not Linux, not ours, gone). */
export function sampleProcess(pid: number, intervalMs = 1000): { stop(): ProcessUsage | undefined } {
  const startTicks = readCpuTicks(pid);
  const startedAt = Date.now();
  const samples: { atMs: number; rssBytes: number }[] = [];
  let lastTicks = startTicks;
  const sample = (): void => {
    const rss = readRssBytes(pid);
    if (rss !== undefined) samples.push({ atMs: Date.now() - startedAt, rssBytes: rss });
    lastTicks = readCpuTicks(pid) ?? lastTicks;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop(): ProcessUsage | undefined {
      clearInterval(timer);
      sample();
      if (startTicks === undefined || lastTicks === undefined) return undefined;
      const wallSeconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
      return {
        cpuPercent: Math.round(((lastTicks - startTicks) / CLOCK_TICKS / wallSeconds) * 1000) / 10,
        rssMaxBytes: samples.reduce((max, s) => Math.max(max, s.rssBytes), 0),
        rssSamples: samples,
      };
    },
  };
}

export interface OwnCpu {
  /** % of one core. */
  percent: number;
  userUs: number;
  systemUs: number;
}

/** CPU of this process (every thread) between start and stop. */
export function measureOwnCpu(): { stop(): OwnCpu } {
  const start = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  return {
    stop(): OwnCpu {
      const used = process.cpuUsage(start);
      const wallUs = Number(process.hrtime.bigint() - startedAt) / 1000;
      return {
        percent: Math.round(((used.user + used.system) / Math.max(1, wallUs)) * 1000) / 10,
        userUs: used.user,
        systemUs: used.system,
      };
    },
  };
}

/** Run-queue wait of the calling thread and of every thread of this process, ns (Linux schedstat). */
export interface RunQueueReading {
  thread: number;
  /** Per thread id: threads that start or end between two readings are left out of the difference. */
  threads: Map<string, number>;
}

/** The second field of a schedstat file: time spent runnable, waiting for a CPU, ns. */
function readWaitNs(path: string): number | undefined {
  try {
    const value = Number(readFileSync(path, 'utf8').split(' ')[1]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long this thread and this process's threads have waited for a CPU so far; undefined where
 * /proc/<pid>/task/<tid>/schedstat cannot be read (not Linux, schedstats off). The difference of two
 * readings over the measured schedule tells whether the generator's figures include time it was
 * ready to run but the machine had no core for it (the broker shares them).
 */
export function readRunQueueWait(): RunQueueReading | undefined {
  const thread = readWaitNs('/proc/thread-self/schedstat');
  if (thread === undefined) return undefined;
  const threads = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const wait = readWaitNs(`/proc/self/task/${tid}/schedstat`);
      if (wait !== undefined) threads.set(tid, wait);
    }
  } catch {
    // the thread's own figure still stands
  }
  return { thread, threads };
}

/** Run-queue wait between two readings, ms: the calling thread's and the process's (all threads). */
export function runQueueWaitBetween(
  before: RunQueueReading,
  after: RunQueueReading,
): { threadMs: number; processMs: number } {
  let processNs = 0;
  for (const [tid, wait] of after.threads) {
    const start = before.threads.get(tid);
    if (start !== undefined) processNs += wait - start;
  }
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  return { threadMs: ms(after.thread - before.thread), processMs: ms(processNs) };
}
