// `harness merge a.json b.json -o all.json`: results of several runs of the same loads (processes,
// machines) as one RunResult. Loads merge by name × target × profile × MQTT version, never across
// them; scenario results by id. Output goes to -o, or stdout.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readRunResult } from '../../compare/index.js';
import { mergeRunResults } from '../../load/index.js';
import { COMMON_OPTIONS, formatHelp, getString, reportError, UsageError, type OptionTable } from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { parseOrHelp } from '../shared.js';
import { exitCodeForResult, inconclusiveMode, RUN_OPTIONS } from './run.js';

const OPTIONS: OptionTable = {
  output: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    description: 'write the merged result here (default: stdout)',
  },
  inconclusive: RUN_OPTIONS['inconclusive']!,
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness merge <results.json>... [-o merged.json]',
  'Merge results (RunResult files from run, bench --json or the json reporter) of several runs of the\n' +
    'same loads: loads with the same name × target × profile × MQTT version merge (counts summed, HDR\n' +
    'histograms added exactly, percentiles recomputed, thresholds re-evaluated); different targets,\n' +
    'profiles and versions stay apart. Loads of one key with different schedules, or results of different\n' +
    'harness versions, are refused. Scenario results merge by id (a later file wins).',
  OPTIONS,
  'Exit codes: 0 nothing failed, 1 a merged load or a scenario failed, or a merged load is inconclusive (unless\n--inconclusive warn), 2 invalid input or results that cannot be merged.',
);

export async function mergeCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('merge', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values, positionals: files } = parsed;
    if (files.length === 0) throw new UsageError(`harness merge: give at least one result file\n\n${HELP}`);
    const runs = await Promise.all(files.map((file) => readRunResult(resolve(io.cwd, file))));
    const merged = mergeRunResults(runs);
    const text = `${JSON.stringify(merged, null, 2)}\n`;
    const output = getString(values, 'output');
    if (output === undefined) io.stdout.write(text);
    else {
      await writeFile(resolve(io.cwd, output), text);
      io.stderr.write(`merged ${files.length} file(s) into ${output}\n`);
    }
    return exitCodeForResult(merged, inconclusiveMode('merge', values));
  } catch (error) {
    return reportError('merge', error, io.stderr);
  }
}

export const command: CommandModule = {
  summary: 'merge results of several runs of the same loads (processes, machines)',
  run: mergeCommand,
};
