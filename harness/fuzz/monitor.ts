// The broker's resident memory and open files, from /proc, when it runs on this machine as a
// process of its own (a harness-started broker). Elsewhere the figures are undefined.
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessSample {
  rssKb?: number;
  openFiles?: number;
}

export async function sampleProcess(pid: number | undefined): Promise<ProcessSample> {
  if (pid === undefined) return {};
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const rss = status === undefined ? undefined : /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => undefined);
  return {
    ...(rss === undefined ? {} : { rssKb: Number(rss) }),
    ...(fds === undefined ? {} : { openFiles: fds.length }),
  };
}
