// `--processes N`: the load as N shard processes on this host. Each process is `harness <command>`
// with `--shard I/N` and the same run id, so each holds its own ~1/N of the connections (a process
// is capped at its open-files limit, not the host). The processes agree on the start through the
// broker (barrier.ts), send their load progress to this process over IPC (one progress line for
// all), write their result to a file here, and the results are merged exactly (merge.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRunResult } from '../compare/index.js';
import { mergeRunResults } from '../load/merge.js';
import type { LoadProgress, RunResult } from '../result/index.js';

export interface LaunchOptions {
  command: 'run' | 'bench';
  /** The command's own arguments, without the sharding flags and output flags. */
  args: readonly string[];
  processes: number;
  runId: string;
  startAtMs?: number;
  /** Where each shard writes its result and its output (shard-I.json, shard-I.log). */
  workDir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Every progress line (one for all shards of the load running). */
  onProgress?(line: string): void;
}

export interface LaunchOutcome {
  merged: RunResult;
  exitCodes: number[];
  logs: string[];
}

/** The CLI entry a shard process runs: compiled, or the sources under tsx (tests, `tsx`). */
function childCommand(): { execArgv: string[]; entry: string } {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './child-entry.ts' : './child-entry.js', import.meta.url).pathname;
  // tsx resolved from here, not from the shard's working directory.
  const tsx = fromSources ? pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href : '';
  return { execArgv: fromSources ? ['--import', tsx] : [], entry };
}

export async function launchShards(options: LaunchOptions): Promise<LaunchOutcome> {
  await mkdir(options.workDir, { recursive: true });
  const { execArgv, entry } = childCommand();
  const progress = new Map<number, LoadProgress>();
  const children: { child: ChildProcess; exit: Promise<number>; result: string; log: string }[] = [];
  for (let index = 0; index < options.processes; index++) {
    const result = join(options.workDir, `shard-${index}.json`);
    const log = join(options.workDir, `shard-${index}.log`);
    const output =
      options.command === 'bench'
        ? ['--json', result]
        : ['--reporter', 'json', '--output-dir', join(options.workDir, `shard-${index}`)];
    const args = [
      ...execArgv,
      entry,
      options.command,
      ...options.args,
      '--shard',
      `${index}/${options.processes}`,
      '--run-id',
      options.runId,
      ...(options.startAtMs === undefined ? [] : ['--start-at', String(options.startAtMs)]),
      ...output,
    ];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...options.env, HARNESS_SHARD_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const stream = createWriteStream(log);
    child.stdout?.pipe(stream, { end: false });
    child.stderr?.pipe(stream, { end: false });
    child.on('message', (message: { type?: string; progress?: LoadProgress }) => {
      if (message.type !== 'progress' || message.progress === undefined) return;
      progress.set(index, message.progress);
      options.onProgress?.(progressLine(progress, options.processes));
    });
    const exit = new Promise<number>((resolve) =>
      child.once('exit', (code, signal) => {
        stream.end();
        resolve(code ?? (signal === null ? 3 : 1));
      }),
    );
    children.push({
      child,
      exit,
      result: options.command === 'bench' ? result : join(options.workDir, `shard-${index}`, 'results.json'),
      log,
    });
  }
  const onAbort = (): void => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGINT');
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  let exitCodes: number[];
  try {
    exitCodes = await Promise.all(children.map(({ exit }) => exit));
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  const runs: RunResult[] = [];
  const problems: string[] = [];
  for (const [index, { result, log }] of children.entries()) {
    try {
      runs.push(checkRunResult(JSON.parse(await readFile(result, 'utf8')), result));
    } catch (error) {
      problems.push(
        `shard ${index}/${options.processes} (exit ${exitCodes[index]}) left no result: ${(error as Error).message}; see ${log}`,
      );
    }
  }
  if (runs.length === 0) throw new Error(`no shard finished: ${problems.join('; ')}`);
  // Missing shards stay missing: the merge lists them and fails the load.
  const merged = mergeRunResults(runs);
  return { merged, exitCodes, logs: children.map(({ log }) => log) };
}

/** One line for every shard of the running load: rates summed, the worst p99, errors summed. */
export function progressLine(progress: ReadonlyMap<number, LoadProgress>, processes: number): string {
  const parts = [...progress.values()];
  const first = parts[0];
  if (first === undefined) return '';
  const elapsed = Math.max(...parts.map((part) => part.elapsedMs));
  const current = parts.filter((part) => part.load === first.load && part.elapsedMs >= elapsed - 1000);
  const sum = (pick: (part: LoadProgress) => number): number =>
    current.reduce((total, part) => total + pick(part), 0);
  const p99 = Math.max(...current.map((part) => part.p99Us));
  return (
    `${first.load} → ${first.target}  [${current.length}/${processes} shards]  ${Math.round(elapsed / 1000)} s  ` +
    `sent ${sum((part) => part.sentPerSec)}/s  received ${sum((part) => part.receivedPerSec)}/s  ` +
    `p99 ${(p99 / 1000).toFixed(2)} ms  errors ${sum((part) => part.errors)}`
  );
}
