// CPU and memory of the generator (this process, all threads) and of a local broker process, the
// latter sampled from /proc/<pid>/stat (utime + stime) and /proc/<pid>/status (VmRSS) once a second.
import { readFileSync } from 'node:fs';

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
