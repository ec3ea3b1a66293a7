// `--processes N` for run and bench: start the targets here once (a URL target is used as it is),
// run N shard processes against them, show one progress line, merge, and hand the merged result
// to the reporters as if one process had run it.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { ResolvedConfig } from '../config/index.js';
import { createReporter } from '../reporters/index.js';
import type { RunResult } from '../result/index.js';
import { launchShards } from '../shard/index.js';
import { resolveTargetSpec, startTarget } from '../targets/index.js';
import type { StartedTarget } from '../targets/index.js';
import type { CliIO } from './io.js';
import type { ShardFlags } from './shard-flags.js';
import { WrittenFiles } from './shared.js';

/** Options the launcher sets for each shard itself (stripped from what the user gave). */
const LAUNCHER_OWNED: Record<string, boolean> = {
  '--processes': true,
  '--shard': true,
  '--shards': true,
  '--run-id': true,
  '--start-at': true,
  '--json': true,
  '--reporter': true,
  '-r': true,
  '--output-dir': true,
  '-o': true,
  '--target': true,
  '-t': true,
};

/** argv without the launcher's own options (each takes a value: `--x v` or `--x=v`). */
export function withoutLauncherOptions(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (LAUNCHER_OWNED[name] === true) {
      if (!arg.includes('=')) index++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}

export interface LaunchRequest {
  command: 'run' | 'bench';
  argv: readonly string[];
  processes: NonNullable<ShardFlags['processes']>;
  config: ResolvedConfig;
  /** Target specs asked for (flags or config). */
  targets: readonly string[];
  reporters: readonly string[];
  outputDir?: string;
  json?: string;
}

export async function launchAndReport(request: LaunchRequest, io: CliIO): Promise<RunResult> {
  const started: StartedTarget[] = [];
  const written = new WrittenFiles(io);
  let lastLength = 0;
  let lastPrint = 0;
  try {
    const urls: string[] = [];
    for (const spec of request.targets) {
      const resolved = resolveTargetSpec(spec, { cwd: io.cwd, config: request.config });
      if (resolved.config.kind === 'url') {
        urls.push(spec);
        continue;
      }
      const target = await startTarget(spec, {
        cwd: io.cwd,
        config: request.config,
        signal: io.signal,
        ...(request.config.brokerCpus === null ? {} : { cpus: request.config.brokerCpus }),
      });
      started.push(target);
      urls.push(target.url);
    }
    const outcome = await launchShards({
      command: request.command,
      args: [...withoutLauncherOptions(request.argv), ...urls.flatMap((url) => ['--target', url])],
      processes: request.processes.count,
      runId: request.processes.runId,
      ...(request.processes.startAtMs === undefined ? {} : { startAtMs: request.processes.startAtMs }),
      workDir: join(request.outputDir ?? tmpdir(), `shards-${request.processes.runId}`),
      cwd: io.cwd,
      env: io.env,
      signal: io.signal,
      onProgress: (line) => {
        if (io.isTTY) {
          io.stderr.write(`\r${line.padEnd(lastLength)}`);
          lastLength = line.length;
        } else if (Date.now() - lastPrint >= 5000) {
          io.stderr.write(`${line}\n`);
          lastPrint = Date.now();
        }
      },
    });
    if (io.isTTY && lastLength > 0) io.stderr.write('\n');
    const failedProcesses = outcome.exitCodes.filter((code) => code > 1).length;
    if (failedProcesses > 0)
      io.stderr.write(
        `${failedProcesses} shard process(es) ended with an error; logs: ${outcome.logs.join(', ')}\n`,
      );
    const reporter = createReporter(request.reporters, {
      ...written.output(),
      ...(request.outputDir === undefined ? {} : { outputDir: request.outputDir }),
    });
    await reporter.onEnd?.(outcome.merged);
    if (request.json !== undefined) {
      const file = resolve(io.cwd, request.json);
      await writeFile(file, `${JSON.stringify(outcome.merged, null, 2)}\n`);
      written.add(file);
    }
    written.print();
    return outcome.merged;
  } finally {
    await Promise.all(started.map((target) => target.stop()));
  }
}
