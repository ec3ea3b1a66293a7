// `harness report results.json... [--reporter NAME]... [--output-dir DIR] [--baseline FILE]`:
// re-render saved results; several files merge into one view.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compare, readRunResult } from '../../compare/index.js';
import { createReporter, REPORTER_NAMES, renderHtml } from '../../reporters/index.js';
import { combineRuns } from '../../result/index.js';
import {
  COMMON_OPTIONS,
  formatHelp,
  getList,
  getString,
  parseThreshold,
  reportError,
  UsageError,
  type OptionTable,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { parseOrHelp } from '../shared.js';

const OPTIONS: OptionTable = {
  reporter: {
    type: 'string',
    short: 'r',
    multiple: true,
    value: 'NAME',
    description: `${REPORTER_NAMES.join(', ')}; comma-separated too (default: list)`,
  },
  'output-dir': {
    type: 'string',
    short: 'o',
    value: 'DIR',
    description: 'where json, junit, markdown and html write (without it: stdout; html: reports/)',
  },
  baseline: {
    type: 'string',
    value: 'FILE',
    description: 'add a comparison with this baseline result to the HTML report',
  },
  threshold: { type: 'string', value: 'N%', description: 'threshold of that comparison (default 5%)' },
  'baseline-target': {
    type: 'string',
    value: 'TARGET',
    description: 'the target the comparison tables compare the others with (default: the first target)',
  },
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness report <results.json>... [options]',
  'Re-render saved results; several files are merged into one view (a later file wins for the same scenario id).',
  OPTIONS,
);

export async function reportCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('report', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length === 0) throw new UsageError(`harness report: no result file given\n\n${HELP}`);
    const listed = getList(values, 'reporter').flatMap((r) => r.split(','));
    const names = listed.map((r) => r.trim()).filter(Boolean);
    if (names.length === 0) names.push('list');
    const threshold = parseThreshold('report', getString(values, 'threshold') ?? '5%');
    const outputDirOption = getString(values, 'output-dir');
    const outputDir = outputDirOption === undefined ? undefined : resolve(io.cwd, outputDirOption);
    const baselineFile = getString(values, 'baseline');
    const baselineTarget = getString(values, 'baseline-target');

    const results = await Promise.all(positionals.map((file) => readRunResult(resolve(io.cwd, file))));
    const result = combineRuns(results);
    const baseline =
      baselineFile === undefined ? undefined : await readRunResult(resolve(io.cwd, baselineFile));
    // With a baseline, the HTML report is rendered here so that it can carry the comparison.
    const withComparison = baseline !== undefined && names.includes('html');
    const reporter = createReporter(withComparison ? names.filter((n) => n !== 'html') : names, {
      stdout: io.stdout,
      stderr: io.stderr,
      isTTY: false,
      env: io.env,
      ...(outputDir ? { outputDir } : {}),
      ...(baselineTarget === undefined ? {} : { baselineTarget }),
    });
    reporter.onBegin?.({
      targets: result.targets.map((t) => t.name),
      profiles: result.profiles.map((p) => p.name),
      total: result.scenarios.length,
    });
    for (const scenario of result.scenarios) reporter.onScenarioEnd?.(scenario);
    for (const load of result.loads) reporter.onLoadEnd?.(load);
    await reporter.onEnd?.(result);
    if (withComparison) {
      const dir = outputDir ?? resolve(io.cwd, 'reports');
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, 'report.html'),
        renderHtml(result, {
          comparison: compare(baseline, result, { threshold }),
          ...(baselineTarget === undefined ? {} : { baselineTarget }),
        }),
      );
    }
    return EXIT.ok;
  } catch (error) {
    return reportError('report', error, io.stderr);
  }
}

export const command: CommandModule = {
  summary: 're-render saved results.json files (list, dot, json, junit, markdown, html)',
  run: reportCommand,
};
