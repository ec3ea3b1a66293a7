// `harness merge a.json b.json -o all.json`: merge load results written by several processes or
// machines. Inputs are LoadResult files or RunResult files (JSON reporter); loads with the same name
// merge together. Output goes to -o, or stdout.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { mergeResults } from '../../load/index.js';
import type { LoadResult, RunResult } from '../../result/model.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';

const HELP = `Usage: harness merge <result.json>... [-o merged.json]

Merge load results from several runs (processes, machines) into one: counts summed, HDR histograms
added exactly, percentiles recomputed, thresholds re-evaluated. Inputs are LoadResult files or
RunResult files (loads with the same name merge). Exit 1 when the merged load fails.
`;

export const command: CommandModule = {
  summary: 'merge load results from several processes or machines',
  async run(argv: string[], io: CliIO): Promise<number> {
    const files: string[] = [];
    let output: string | undefined;
    for (let index = 0; index < argv.length; index++) {
      const arg = argv[index]!;
      if (arg === '--help' || arg === '-h') {
        io.stdout.write(HELP);
        return EXIT.ok;
      }
      if (arg === '-o' || arg === '--output') {
        output = argv[++index];
        if (output === undefined) return usage(io, `${arg} needs a file name`);
      } else if (arg.startsWith('-')) return usage(io, `unknown option '${arg}'`);
      else files.push(arg);
    }
    if (files.length < 1) return usage(io, 'give at least one result file');
    const inputs: (LoadResult | RunResult)[] = [];
    for (const file of files) {
      try {
        inputs.push(JSON.parse(await readFile(resolve(io.cwd, file), 'utf8')) as LoadResult | RunResult);
      } catch (error) {
        return usage(io, `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const runs = inputs.filter((input): input is RunResult => 'loads' in input && Array.isArray(input.loads));
    const loads = inputs.filter((input): input is LoadResult => 'histogram' in input && 'delivery' in input);
    if (runs.length + loads.length !== inputs.length || (runs.length > 0 && loads.length > 0)) {
      return usage(io, 'inputs must all be LoadResult files or all RunResult files');
    }
    let merged: LoadResult | RunResult;
    let failed: boolean;
    if (loads.length > 0) {
      const result = mergeResults(loads);
      merged = result;
      failed = result.verdict === 'failed';
    } else {
      const byName = new Map<string, LoadResult[]>();
      for (const load of runs.flatMap((run) => run.loads))
        byName.set(load.name, [...(byName.get(load.name) ?? []), load]);
      const mergedLoads = [...byName.values()].map((group) => mergeResults(group));
      const base = runs[0]!;
      merged = {
        ...base,
        durationMs: Math.max(...runs.map((run) => run.durationMs)),
        loads: mergedLoads,
        summary: {
          ...base.summary,
          loadsFailed: mergedLoads.filter((load) => load.verdict === 'failed').length,
        },
      };
      failed = mergedLoads.some((load) => load.verdict === 'failed');
    }
    const text = `${JSON.stringify(merged, null, 2)}\n`;
    if (output === undefined) io.stdout.write(text);
    else {
      await writeFile(resolve(io.cwd, output), text);
      io.stderr.write(`merged ${files.length} file(s) into ${output}\n`);
    }
    return failed ? EXIT.failed : EXIT.ok;
  },
};

function usage(io: CliIO, message: string): number {
  io.stderr.write(`harness merge: ${message}\n\n${HELP}`);
  return EXIT.usage;
}
