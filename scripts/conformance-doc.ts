// Regenerates docs/conformance.md: the coverage of the MQTT 3.1.1 and 5.0 normative statements by
// the conformance catalogue (the data of `harness coverage --json`), the known deviations of each
// target (harness/targets/deviations/*.yaml) and the last mutation run (reports/mutation.json,
// written by scripts/mutation.ts).
//
// Run: npx tsx scripts/conformance-doc.ts [--out docs/conformance.md] [--mutation reports/mutation.json]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COVERAGE_VERSIONS, computeCoverage, type CoverageReport } from '../harness/coverage/index.js';
import { loadDeviations } from '../harness/targets/deviations.js';
import type { KnownDeviation } from '../harness/targets/types.js';
import type { MutationReport } from './mutation.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEVIATIONS_DIR = resolve(ROOT, 'harness/targets/deviations');

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const percent = (part: number, whole: number): string =>
  whole === 0 ? '-' : `${Math.floor((part * 1000) / whole) / 10}%`;

export function renderCoverage(report: CoverageReport): string[] {
  const lines = [
    '## Coverage of the normative statements',
    '',
    '| MQTT | statements | excluded (not broker-testable) | broker-testable | covered | coverage |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const version of COVERAGE_VERSIONS) {
    const r = report[version];
    lines.push(
      `| ${version} | ${r.statements} | ${r.excluded.length} | ${r.testable} | ${r.covered} | ${percent(r.covered, r.testable)} |`,
    );
  }
  for (const version of COVERAGE_VERSIONS) {
    const r = report[version];
    lines.push('', `### MQTT ${version}`, '');
    lines.push(
      r.uncovered.length === 0
        ? 'Every broker-testable statement is checked by at least one scenario.'
        : `Not covered yet (${r.uncovered.length}): ${r.uncovered.join(', ')}.`,
    );
    if (r.excluded.length > 0) {
      lines.push('', '<details><summary>Excluded statements and why</summary>', '');
      lines.push('| statement | reason |', '| --- | --- |');
      for (const e of r.excluded) lines.push(`| ${e.id} | ${cell(e.reason)} |`);
      lines.push('', '</details>');
    }
  }
  return lines;
}

export function renderDeviations(byTarget: ReadonlyMap<string, readonly KnownDeviation[]>): string[] {
  const lines = ['## Known deviations per target', ''];
  lines.push(
    'A scenario failing on a target for a statement listed here is reported as `deviation`, not as a failure.',
  );
  for (const [target, deviations] of byTarget) {
    lines.push('', `### ${target}`, '');
    if (deviations.length === 0) {
      lines.push('None recorded.');
      continue;
    }
    lines.push('| scenario | statement | MQTT | behaviour | reason |', '| --- | --- | --- | --- | --- |');
    for (const d of deviations) {
      lines.push(
        `| ${d.scenario} | ${d.statement} | ${d.mqttVersion ?? 'both'} | ${cell(d.description)} | ${cell(d.reason ?? '')} |`,
      );
    }
  }
  return lines;
}

export function renderMutation(report: MutationReport | undefined): string[] {
  const lines = ['## Mutation run', ''];
  if (report === undefined) {
    lines.push('No mutation report yet: run `npm run mutation` (writes reports/mutation.json).');
    return lines;
  }
  lines.push(
    `Each mutant is the reference broker with one rule broken (broker/mutations.ts). Run of ${report.generatedAt}, ` +
      (report.mode === 'all'
        ? 'every scenario against every mutant.'
        : `targeted: the scenarios citing the mutant's statements plus a sample of ${report.sample} others.`) +
      ` ${report.summary.caught} of ${report.summary.mutants} mutants caught.`,
    '',
    '| mutant | statements | scenario runs | caught by |',
    '| --- | --- | ---: | --- |',
  );
  for (const m of report.mutants) {
    lines.push(
      `| ${m.name} | ${m.statements.join(', ')} | ${m.ran} | ${m.caught ? m.caughtBy.join(', ') : '**not caught**'} |`,
    );
  }
  if (report.baselineFailures.length > 0) {
    lines.push(
      '',
      `Scenario runs failing on the unmutated broker (not counted): ${report.baselineFailures.join(', ')}.`,
    );
  }
  return lines;
}

export async function buildDocument(mutationFile: string): Promise<string> {
  const coverage = await computeCoverage({ cwd: ROOT });
  const byTarget = new Map<string, KnownDeviation[]>();
  for (const file of readdirSync(DEVIATIONS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    byTarget.set(basename(file, '.yaml'), await loadDeviations(resolve(DEVIATIONS_DIR, file), ROOT));
  }
  let mutation: MutationReport | undefined;
  try {
    mutation = JSON.parse(readFileSync(mutationFile, 'utf8')) as MutationReport;
  } catch {
    mutation = undefined;
  }
  const lines = [
    '# Conformance',
    '',
    '<!-- Generated by scripts/conformance-doc.ts (npm run conformance:doc); do not edit by hand. -->',
    '',
    'The conformance catalogue lives in `scenarios/conformance/<version>/`; every scenario lists the',
    'normative statements it checks. Statements a broker test cannot observe are listed with the reason in',
    '`harness/coverage/excluded-<version>.yaml`.',
    '',
    ...renderCoverage(coverage.report),
    '',
    ...renderDeviations(byTarget),
    '',
    ...renderMutation(mutation),
    '',
  ];
  if (coverage.problems.length > 0) {
    lines.push('## Problems', '', ...coverage.problems.map((p) => `- ${cell(p)}`), '');
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, mutation: { type: 'string' } },
  });
  const out = resolve(values.out ?? resolve(ROOT, 'docs/conformance.md'));
  const text = await buildDocument(resolve(values.mutation ?? resolve(ROOT, 'reports/mutation.json')));
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `conformance-doc: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 3;
    },
  );
}
