// Markdown summary for a CI job summary or a pull-request comment: the verdict, the target × profile
// matrix, key load figures and every failure with its evidence (folded in <details>).
import type { RunResult } from '../../result/index.js';
import {
  countVerdicts,
  countsCell,
  inconclusiveLoads,
  loadLabel,
  noteworthy,
  profileNames,
  runOutcome,
  scenarioLabel,
  targetNames,
  verdictMatrix,
} from './aggregate.js';
import { comparativeMarkdown } from './comparative/plain.js';
import { comparativeView, type ComparativeOptions } from './comparative/view.js';
import { evidenceLines } from './evidence.js';
import { escapeMarkdownCell, formatMillis } from './format.js';
import {
  LOAD_HEADER,
  loadProblems,
  loadRow,
  placementText,
  runPlacementText,
  thresholdActual,
  warmupText,
} from './load-figures.js';

export function renderMarkdown(result: RunResult, options: ComparativeOptions = {}): string {
  const out: string[] = [...headline(result)];
  if (result.scenarios.length > 0) out.push(...conformanceSection(result));
  if (result.loads.length > 0) out.push(...loadSection(result));
  const compared = comparativeView(result, options);
  if (compared) out.push(comparativeMarkdown(compared), '');
  out.push(...failuresSection(result));
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

/** The verdict line, the counts and (when the run was cut short) why. */
function headline(result: RunResult): string[] {
  const out: string[] = [];
  const outcome = runOutcome(result);
  const icon =
    outcome === 'passed' ? '✅' : outcome === 'failed' ? '❌' : outcome === 'inconclusive' ? '❔' : '⚠️';
  out.push(`## ${icon} MQTT harness: ${outcome}`, '');
  const s = result.summary;
  out.push(
    `${s.passed} passed · ${s.failed} failed · ${s.skipped} skipped · ${s.warnings} warnings · ${s.deviations} deviations` +
      ` of ${s.total} scenario runs` +
      (result.loads.length
        ? ` · ${result.loads.length} loads (${s.loadsFailed} failed${inconclusiveLoads(result).length ? `, ${inconclusiveLoads(result).length} inconclusive` : ''})`
        : '') +
      ` · ${formatMillis(result.durationMs)} · started ${result.startedAt} · ${result.tool.name} ${result.tool.version}`,
    '',
  );
  if (result.interrupted) out.push(`> **Interrupted:** ${result.interrupted.reason}`, '');
  const placement = runPlacementText(result);
  if (placement !== undefined) out.push(`Placement: ${placement}`, '');
  return out;
}

/** Counts per target, then the target × profile matrix. */
function conformanceSection(result: RunResult): string[] {
  const out: string[] = [];
  out.push('### Conformance', '');
  out.push(table([['target', 'passed', 'failed', 'skipped', 'warnings', 'deviations', 'total']]));
  const rows: string[][] = [];
  for (const target of targetNames(result)) {
    const scenarios = result.scenarios.filter((x) => x.target === target);
    if (scenarios.length === 0) continue;
    const c = countVerdicts(scenarios);
    rows.push([target, ...[c.passed, c.failed, c.skipped, c.warnings, c.deviations, c.total].map(String)]);
  }
  out.push(table(rows, false), '');
  const profiles = profileNames(result);
  out.push('#### Targets × profiles', '');
  out.push(table([['target', ...profiles]]));
  const matrixRows = [...verdictMatrix(result)].map(([target, row]) => [
    target,
    ...profiles.map((p) => {
      const cell = row.get(p);
      return cell ? countsCell(cell) : '·';
    }),
  ]);
  out.push(table(matrixRows, false), '');
  return out;
}

/** The load table, a line per load that did not pass or has a caveat, and the thresholds. */
function loadSection(result: RunResult): string[] {
  const out: string[] = [];
  out.push('### Load', '');
  out.push(table([LOAD_HEADER]), table(result.loads.map(loadRow), false), '');
  const troubled = result.loads.filter((l) => l.verdict !== 'passed');
  for (const load of troubled) {
    out.push(
      `- ${load.verdict === 'failed' ? '❌' : '❔'} **${escapeMarkdownCell(load.name)}** on ${load.target} (${load.profile}): ${load.verdict} — ${loadProblems(load).join('; ')}`,
    );
  }
  for (const load of result.loads) {
    for (const caveat of load.caveats ?? [])
      out.push(
        `- ⚠️ **${escapeMarkdownCell(load.name)}** on ${load.target} (${load.profile}): ${load.verdict}; caveat: ${caveat}`,
      );
  }
  for (const load of result.loads) {
    const warmup = warmupText(load);
    if (warmup !== undefined)
      out.push(`- **${escapeMarkdownCell(load.name)}** on ${load.target} (${load.profile}): ${warmup}`);
    const placement = placementText(load);
    if (placement !== undefined)
      out.push(`- **${escapeMarkdownCell(load.name)}** on ${load.target} (${load.profile}): ${placement}`);
  }
  const noted = result.loads.some((load) => load.warmup !== undefined || placementText(load) !== undefined);
  if (troubled.length || noted) out.push('');
  const judged = result.loads.filter((l) => l.thresholds.length > 0);
  if (judged.length > 0) {
    out.push('#### Thresholds', '');
    out.push(table([['', 'threshold', 'actual', 'load']]));
    const rows = judged.flatMap((load) =>
      load.thresholds.map((t) => [
        t.ok ? '✓' : '✗',
        t.expression +
          ([t.target, t.profile].some(Boolean)
            ? ` [${[t.target, t.profile].filter(Boolean).join(' · ')}]`
            : ''),
        thresholdActual(t),
        loadLabel(load),
      ]),
    );
    out.push(table(rows, false), '');
  }
  return out;
}

/** Every failure, deviation and warning with its evidence, folded in <details>. */
function failuresSection(result: RunResult): string[] {
  const out: string[] = [];
  const notes = noteworthy(result);
  if (notes.length === 0) return out;
  out.push(`### Failures, deviations and warnings (${notes.length})`, '');
  for (const scenario of notes) {
    const mark = scenario.verdict === 'failed' ? '❌' : scenario.verdict === 'deviation' ? '〰️' : '⚠️';
    const statements = scenario.statements.length
      ? ` — ${scenario.statements.map((id) => `\`${id}\``).join(', ')}`
      : '';
    out.push('<details>');
    out.push(
      `<summary>${mark} ${scenario.verdict}: <code>${htmlInline(scenarioLabel(scenario))}</code>${htmlInline(statements.replace(/`/g, ''))}</summary>`,
    );
    out.push(
      '',
      `\`${scenario.file}\``,
      '',
      '```text',
      ...evidenceLines(scenario).map(noFence),
      '```',
      '',
      '</details>',
      '',
    );
  }
  return out;
}

function table(rows: string[][], withHeader = true): string {
  if (rows.length === 0) return '';
  const lines = rows.map((row) => `| ${row.map(escapeMarkdownCell).join(' | ')} |`);
  if (withHeader) lines.push(`|${rows[0]!.map(() => ' --- ').join('|')}|`);
  return lines.join('\n');
}

function htmlInline(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Keep evidence from closing the code fence. */
function noFence(line: string): string {
  return line.replace(/```/g, '`\u200b``');
}
