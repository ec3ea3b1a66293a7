// `harness coverage [--json] [paths...]`: how many normative statements of each MQTT version the
// conformance scenarios cover, which testable ones are not covered, and which are excluded and why.
// Exit 1 when an excluded statement is also covered or does not exist (or the excluded file is bad).
import {
  COVERAGE_VERSIONS,
  computeCoverage,
  type CoverageResult,
  type CoverageVersion,
} from '../../coverage/index.js';
import { formatHelp, getFlag, getString, parseCommandLine, reportError, type OptionTable } from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';

const OPTIONS: OptionTable = {
  json: { type: 'boolean', description: 'print the report as JSON' },
  'excluded-dir': {
    type: 'string',
    value: 'DIR',
    description: "directory holding excluded-<version>.yaml (default: the harness's harness/coverage)",
  },
  verbose: { type: 'boolean', short: 'v', description: 'also list the scenarios covering each statement' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

const HELP = formatHelp(
  'harness coverage [paths...] [options]',
  'Coverage of the MQTT 3.1.1 and 5.0 normative statements by the conformance scenarios\n' +
    '(default: scenarios/conformance/<version>/; with paths, every scenario found counts).',
  OPTIONS,
  'Exit 1 when an excluded statement is also covered by a scenario or is not a statement.',
);

async function coverage(argv: string[], io: CliIO): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine('coverage', argv, OPTIONS);
    if (getFlag(values, 'help')) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    const excludedDir = getString(values, 'excluded-dir');
    const result = await computeCoverage({
      cwd: io.cwd,
      ...(positionals.length > 0 ? { paths: positionals } : {}),
      ...(excludedDir === undefined ? {} : { excludedDir }),
    });
    io.stdout.write(
      getFlag(values, 'json')
        ? `${JSON.stringify(result.report, null, 2)}\n`
        : renderText(result, getFlag(values, 'verbose') ?? false),
    );
    for (const problem of result.problems) io.stderr.write(`harness coverage: ${problem}\n`);
    return result.problems.length > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    return reportError('coverage', error, io.stderr);
  }
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${Math.floor((part * 1000) / whole) / 10}%`;
}

function renderVersion(result: CoverageResult, version: CoverageVersion, verbose: boolean): string[] {
  const report = result.report[version];
  const lines = [
    `MQTT ${version}: ${report.statements} statements, ${report.testable} broker-testable, ` +
      `${report.covered} covered (${percent(report.covered, report.testable)})`,
  ];
  if (report.uncovered.length > 0) {
    lines.push(`  uncovered (${report.uncovered.length}):`);
    for (let i = 0; i < report.uncovered.length; i += 6) {
      lines.push(`    ${report.uncovered.slice(i, i + 6).join('  ')}`);
    }
  }
  if (verbose) {
    lines.push(`  covered (${result.coveredBy[version].size}):`);
    for (const [id, names] of result.coveredBy[version])
      lines.push(`    ${id.padEnd(16)} ${names.join(', ')}`);
  }
  if (report.excluded.length > 0) {
    lines.push(`  excluded (${report.excluded.length}):`);
    for (const entry of report.excluded) lines.push(`    ${entry.id.padEnd(16)} ${entry.reason}`);
  }
  return lines;
}

function renderText(result: CoverageResult, verbose: boolean): string {
  return `${COVERAGE_VERSIONS.map((version) => renderVersion(result, version, verbose).join('\n')).join('\n\n')}\n`;
}

export const command: CommandModule = {
  summary: 'coverage of the normative statements by the conformance scenarios',
  run: coverage,
};
