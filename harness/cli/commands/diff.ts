// `harness diff [paths...] -t A -t B [-t C] [--baseline A]`: runs every scenario on every target
// (runHarness with `diff`), prints where the targets behaved differently and writes the JSON and
// HTML reports with the differences. Exit 0 when they agree, 1 when a difference was found.
import { loadConfig } from '../../config/index.js';
import { renderDiff } from '../../reporters/index.js';
import {
  formatHelp,
  getFlag,
  getInteger,
  getList,
  getString,
  parseCommandLine,
  reportError,
  UsageError,
  type OptionTable,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { WrittenFiles } from '../shared.js';
import { RUN_OPTIONS, runOverrides } from './run.js';

const { bail: _bail, ...RUN_WITHOUT_BAIL } = RUN_OPTIONS;

const OPTIONS: OptionTable = {
  ...RUN_WITHOUT_BAIL,
  target: { ...RUN_OPTIONS['target']!, description: 'a target to compare (two or more), as for run' },
  reporter: {
    ...RUN_OPTIONS['reporter']!,
    description: 'report files besides the console text (default: json and html; json always)',
  },
  baseline: {
    type: 'string',
    value: 'TARGET',
    description: 'the target the others are compared with (default: the first -t)',
  },
  'timing-tolerance': {
    type: 'string',
    value: 'MS',
    description: 'a timing difference counts above this many ms (default 500) ...',
  },
  'timing-factor': {
    type: 'string',
    value: 'N',
    description: '... and when the slower side took N times as long (default 3)',
  },
  json: { type: 'boolean', description: 'print the differences as JSON instead of text' },
};

const HELP = formatHelp(
  'harness diff [paths...] -t A -t B [-t C] [options]',
  'Run each scenario on every target, keep every packet each target sent, align them by step and list\n' +
    'every difference: reply type, reason code, flags, properties, order, timing. Each is classified\n' +
    '(one side fails the scenario / both legal / timing) and grouped; see docs/diff.md.',
  OPTIONS,
  'Exit codes: 0 the targets behaved the same, 1 differences found (or interrupted), 2 invalid input, 3 internal error.',
);

export async function diffCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine('diff', argv, OPTIONS);
    if (getFlag(values, 'help')) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    const overrides = runOverrides(values, positionals);
    if (getList(values, 'target').length < 2)
      throw new UsageError('harness diff: give two targets or more (-t A -t B)');
    if (getList(values, 'reporter').length === 0) overrides.reporters = ['json', 'html'];
    const config = await loadConfig(overrides, { cwd: io.cwd, isTTY: io.isTTY, env: io.env });
    const baseline = getString(values, 'baseline');
    const timingToleranceMs = getInteger('diff', values, 'timing-tolerance', 0);
    const factor = getString(values, 'timing-factor');
    if (factor !== undefined && !(Number(factor) >= 1))
      throw new UsageError(`harness diff: --timing-factor needs a number ≥ 1, got '${factor}'`);
    const { runHarness } = await import('../../api.js');
    const written = new WrittenFiles(io);
    const result = await runHarness({
      config,
      cwd: io.cwd,
      signal: io.signal,
      output: written.output(),
      diff: {
        ...(baseline !== undefined && { baseline }),
        ...(timingToleranceMs !== undefined && { timingToleranceMs }),
        ...(factor !== undefined && { timingFactor: Number(factor) }),
      },
    });
    const diff = result.diff;
    if (diff === undefined) throw new Error('the run returned no diff');
    // With --json, stdout is the differences only (the report files are where -o says).
    if (getFlag(values, 'json')) io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
    else {
      io.stdout.write(renderDiff(diff));
      written.print();
    }
    if (result.interrupted !== undefined) return EXIT.failed;
    return diff.rows.length > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    return reportError('diff', error, io.stderr);
  }
}

export const command: CommandModule = {
  summary: 'run scenarios on several targets and list where their behaviour differs',
  run: diffCommand,
};
