// The end-of-run console summary: tables per target and per load, then every failure with its
// evidence. A pure function of the RunResult (the list and dot reporters print it).
import type { RunResult } from '../../result/index.js';
import {
  countVerdicts,
  countsCell,
  loadCounts,
  loadLabel,
  noteworthy,
  profileNames,
  runOutcome,
  scenarioLabel,
  sweepCounts,
  targetNames,
  VERDICT_SYMBOL,
  verdictMatrix,
} from './aggregate.js';
import { comparativeConsole } from './comparative/plain.js';
import { comparativeView, type ComparativeOptions } from './comparative/view.js';
import { evidenceLines } from './evidence.js';
import { formatMillis, textTable } from './format.js';
import {
  LOAD_HEADER,
  loadProblems,
  loadRow,
  placementText,
  runPlacementText,
  thresholdLine,
  warmupText,
} from './load-figures.js';

export function renderSummary(result: RunResult, options: ComparativeOptions = {}): string {
  const out: string[] = [];
  if (result.scenarios.length > 0) out.push(conformanceTable(result), '');
  const profiles = profileNames(result);
  if (result.scenarios.length > 0 && profiles.length > 1) out.push(matrixTable(result), '');
  if (result.loads.length > 0) out.push(loadTable(result), '');
  const compared = comparativeView(result, options);
  if (compared) out.push(comparativeConsole(compared), '');
  const judged = result.loads.filter((l) => l.thresholds.length > 0);
  if (judged.length > 0) {
    out.push('Thresholds');
    for (const load of judged) {
      out.push(`  ${loadLabel(load)}`);
      for (const t of load.thresholds) out.push(`    ${thresholdLine(t)}`);
    }
    out.push('');
  }
  const notes = noteworthy(result);
  if (notes.length > 0) {
    out.push(`Failures, deviations and warnings (${notes.length})`);
    for (const s of notes) {
      out.push(
        '',
        `  ${VERDICT_SYMBOL[s.verdict]} ${s.verdict.toUpperCase()} ${scenarioLabel(s)}  ${s.file}`,
      );
      if (s.statements.length) out.push(`    statements: ${s.statements.join(', ')}`);
      for (const line of evidenceLines(s)) out.push(`    ${line}`);
    }
    out.push('');
  }
  const failedLoads = result.loads.filter((l) => l.verdict !== 'passed' || l.generator.saturated);
  if (failedLoads.length > 0) {
    out.push(`Load problems (${failedLoads.length})`);
    for (const load of failedLoads) {
      out.push(
        `  ${VERDICT_SYMBOL[load.verdict]} ${load.verdict.toUpperCase()} ${load.name} [${load.target} · ${load.profile}]`,
      );
      for (const p of loadProblems(load)) out.push(`    ${p}`);
    }
    out.push('');
  }
  const caveated = result.loads.filter((l) => (l.caveats?.length ?? 0) > 0);
  if (caveated.length > 0) {
    out.push(`Load caveats (${caveated.length})`);
    for (const load of caveated) {
      out.push(`  ${load.name} [${load.target} · ${load.profile}] ${load.verdict}`);
      for (const caveat of load.caveats ?? []) out.push(`    ${caveat}`);
    }
    out.push('');
  }
  if (result.interrupted) out.push(`Interrupted: ${result.interrupted.reason}`, '');
  const placement = runPlacementText(result);
  if (placement !== undefined) out.push(`Placement: ${placement}`);
  out.push(totalsLine(result));
  return out.join('\n') + '\n';
}

function conformanceTable(result: RunResult): string {
  const rows = [['target', 'kind', 'passed', 'failed', 'skipped', 'warnings', 'deviations', 'total']];
  for (const target of targetNames(result)) {
    const scenarios = result.scenarios.filter((s) => s.target === target);
    if (scenarios.length === 0) continue;
    const c = countVerdicts(scenarios);
    const kind = result.targets.find((t) => t.name === target)?.kind ?? '';
    rows.push([
      target,
      kind,
      ...[c.passed, c.failed, c.skipped, c.warnings, c.deviations, c.total].map(String),
    ]);
  }
  return `Conformance\n${textTable(rows)}`;
}

function matrixTable(result: RunResult): string {
  const profiles = profileNames(result);
  const rows = [['target', ...profiles]];
  for (const [target, row] of verdictMatrix(result))
    rows.push([target, ...profiles.map((p) => countsCell(row.get(p)!))]);
  return `Targets × profiles\n${textTable(rows)}`;
}

function loadTable(result: RunResult): string {
  const warmups = result.loads.flatMap((load) =>
    [warmupText(load), placementText(load)].flatMap((text) =>
      text === undefined ? [] : [`  ${load.name} [${load.target} · ${load.profile}] ${text}`],
    ),
  );
  return `Load\n${textTable([LOAD_HEADER, ...result.loads.map(loadRow)])}${warmups.length > 0 ? `\n${warmups.join('\n')}` : ''}`;
}

export function totalsLine(result: RunResult): string {
  const s = result.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`, `${s.skipped} skipped`];
  if (s.warnings) parts.push(`${s.warnings} warnings`);
  if (s.deviations) parts.push(`${s.deviations} deviations`);
  const loads = [
    ...(result.loads.length > 0 ? [loadCounts(result)] : []),
    ...((result.sweeps?.length ?? 0) > 0 ? [sweepCounts(result)] : []),
  ].join('; ');
  // A run of loads only (`harness bench`) has no scenario counts to speak of.
  const counts =
    s.total === 0 && loads !== ''
      ? loads
      : `${parts.join(', ')} of ${s.total} scenario runs${loads !== '' ? `; ${loads}` : ''}`;
  return `${runOutcome(result).toUpperCase()}: ${counts} (${formatMillis(result.durationMs)})`;
}
