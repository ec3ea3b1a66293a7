// Resident memory of a process, read from /proc/PID/status (VmRSS), and a sampler that records it
// over time: how a broker's memory behaves under a load, measured from outside the process.
import { readFileSync } from 'node:fs';

/** Bytes resident for `pid`, or undefined where /proc is not available. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface RssSample {
  /** Seconds since the sampler started. */
  t: number;
  bytes: number;
}

/** Samples `pid`'s RSS every `intervalMs` until stopped. */
export function sampleRss(
  pid: number | undefined,
  intervalMs = 1000,
): { latest(): RssSample | undefined; stop(): RssSample[] } {
  const samples: RssSample[] = [];
  const t0 = performance.now();
  const take = (): void => {
    const bytes = rssBytes(pid);
    if (bytes !== undefined) samples.push({ t: (performance.now() - t0) / 1000, bytes });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    latest: () => samples.at(-1),
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Least-squares slope of RSS over the samples from `fromSeconds` on, in bytes per second. */
export function slope(samples: readonly RssSample[], fromSeconds = 0): number | undefined {
  const tail = samples.filter((s) => s.t >= fromSeconds);
  if (tail.length < 3) return undefined;
  const n = tail.length;
  const meanT = tail.reduce((sum, s) => sum + s.t, 0) / n;
  const meanB = tail.reduce((sum, s) => sum + s.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of tail) {
    num += (s.t - meanT) * (s.bytes - meanB);
    den += (s.t - meanT) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

export const mib = (bytes: number | undefined): string =>
  bytes === undefined ? '—' : (bytes / 1024 / 1024).toFixed(1);
