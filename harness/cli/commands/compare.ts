// `harness compare baseline.json current.json [--threshold 5%] [--alpha 0.05] [--json] [--html FILE]`:
// what got better or worse between two runs; exit code 1 when anything regressed.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  compare,
  DEFAULT_COMPARE_OPTIONS,
  readRunResult,
  renderComparison,
  renderComparisonMarkdown,
} from '../../compare/index.js';
import { renderHtml } from '../../reporters/index.js';
import {
  COMMON_OPTIONS,
  formatHelp,
  getFlag,
  getString,
  parseThreshold,
  reportError,
  UsageError,
  type OptionTable,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { parseOrHelp } from '../shared.js';
import { inconclusiveMode } from './run.js';

const OPTIONS: OptionTable = {
  threshold: {
    type: 'string',
    value: 'N%',
    description: 'smallest relative change that counts (default 5%)',
  },
  alpha: {
    type: 'string',
    value: 'P',
    description: 'significance level: 0.05, the one the report’s tables decide at (judgeDifference)',
  },
  json: { type: 'boolean', description: 'print the comparison as JSON instead of text' },
  markdown: {
    type: 'boolean',
    description: 'print the comparison as Markdown (for a PR comment) instead of text',
  },
  html: {
    type: 'string',
    value: 'FILE',
    description: 'also write the HTML report of the current run with the comparison',
  },
  inconclusive: {
    type: 'string',
    value: 'fail|warn',
    description:
      'a load either side cannot vouch for is not compared; it exits 1 (fail, default) or 0 (warn)',
  },
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness compare <baseline.json> <current.json> [options]',
  "Compare two saved results: load p50, p99 and delivered rate per load × target × profile (Welch's t-test\n" +
    'over the per-interval samples) and newly failing conformance scenarios.',
  OPTIONS,
  'Exit codes: 0 no regression, 1 something regressed or a load was inconclusive on either side (unless\n--inconclusive warn), 2 invalid input or usage.',
);

export async function compareCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('compare', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values, positionals } = parsed;
    const [baselineFile, currentFile, ...extra] = positionals;
    if (baselineFile === undefined || currentFile === undefined || extra.length > 0) {
      throw new UsageError(`harness compare: expected a baseline and a current result file\n\n${HELP}`);
    }
    const threshold = parseThreshold('compare', getString(values, 'threshold') ?? '5%');
    const alphaText = getString(values, 'alpha') ?? '0.05';
    const alpha = Number(alphaText);
    if (!(alpha > 0 && alpha < 1))
      throw new UsageError(`harness compare: --alpha needs 0 < α < 1, got '${alphaText}'`);
    // One decision for compare, the report's tables and the ranking (judgeDifference), at α = 0.05:
    // another level would mark a change here that the report calls noise, or the reverse.
    if (alpha !== DEFAULT_COMPARE_OPTIONS.alpha)
      throw new UsageError(
        `harness compare: --alpha ${alphaText}: significance is judged at α = 0.05 only, as in the report's tables (judgeDifference)`,
      );
    const inconclusive = inconclusiveMode('compare', values);
    const baseline = await readRunResult(resolve(io.cwd, baselineFile));
    const current = await readRunResult(resolve(io.cwd, currentFile));
    const comparison = compare(baseline, current, { threshold, alpha });
    const text = getFlag(values, 'json')
      ? `${JSON.stringify(comparison, null, 2)}\n`
      : getFlag(values, 'markdown')
        ? renderComparisonMarkdown(comparison)
        : renderComparison(comparison);
    io.stdout.write(text);
    const htmlFile = getString(values, 'html');
    if (htmlFile !== undefined) {
      const file = resolve(io.cwd, htmlFile);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, renderHtml(current, { comparison }));
    }
    if (comparison.regressed) return EXIT.failed;
    return comparison.inconclusive > 0 && inconclusive === 'fail' ? EXIT.failed : EXIT.ok;
  } catch (error) {
    return reportError('compare', error, io.stderr);
  }
}

export const command: CommandModule = {
  summary: 'compare two results.json files (load figures, newly failing scenarios); exit 1 on a regression',
  run: compareCommand,
};
