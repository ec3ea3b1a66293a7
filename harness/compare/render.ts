// The comparison as console text (the compare command prints it). Pure function of Comparison.
import { formatMicros } from '../reporters/index.js';
import type { Comparison, MetricChange } from './model.js';

export function renderComparison(comparison: Comparison): string {
  const out: string[] = [];
  const { threshold, alpha } = comparison.options;
  out.push(
    `Baseline ${comparison.baseline.startedAt} (v${comparison.baseline.toolVersion}) → current ${comparison.current.startedAt} (v${comparison.current.toolVersion})`,
    `Threshold ${(threshold * 100).toFixed(1)}%, significance as in the report's tables (judgeDifference: 95 % intervals apart, or Welch's t-test over repetitions, α = ${alpha})`,
    '',
  );
  if (comparison.loads.length > 0) {
    out.push('Load');
    const rows = [['load', 'metric', 'baseline', 'current', 'change', 'judged', 'verdict']];
    for (const load of comparison.loads) {
      for (const m of load.metrics) {
        rows.push([
          load.key,
          m.metric,
          metricValue(m, m.baseline),
          metricValue(m, m.current),
          changeText(m.change),
          significanceText(m),
          directionText(m),
        ]);
      }
      if (load.verdictChange !== undefined) {
        rows.push([
          load.key,
          'verdict',
          load.baselineVerdict,
          load.currentVerdict,
          '',
          '',
          load.verdictChange === 'regressed' ? 'REGRESSED' : load.verdictChange,
        ]);
      }
    }
    out.push(table(rows), '');
    for (const load of comparison.loads.filter((l) => l.inconclusive !== undefined))
      out.push(`  not judged: ${load.key}: ${load.inconclusive}`);
    for (const load of comparison.loads.filter((l) => l.placementChanged !== undefined))
      out.push(`  placed differently: ${load.key}: ${load.placementChanged}`);
    if (comparison.inconclusive > 0 || comparison.loads.some((l) => l.placementChanged !== undefined))
      out.push('');
  }
  for (const key of comparison.loadsOnlyInBaseline) out.push(`  only in baseline: ${key}`);
  for (const key of comparison.loadsOnlyInCurrent) out.push(`  only in current:  ${key}`);
  if (comparison.loadsOnlyInBaseline.length + comparison.loadsOnlyInCurrent.length > 0) out.push('');
  if (comparison.scenarios.length > 0) {
    out.push('Conformance changes');
    for (const s of comparison.scenarios) {
      out.push(`  ${s.kind.padEnd(13)} ${s.key}: ${s.baseline ?? '(absent)'} → ${s.current ?? '(absent)'}`);
    }
    out.push('');
  } else out.push('Conformance: no verdict changed', '');
  out.push(verdictLine(comparison));
  return out.join('\n') + '\n';
}

/** The last line: what the exit code says, with the counts of the rows marked above. */
export function verdictLine(comparison: Comparison): string {
  const notJudged =
    comparison.inconclusive > 0
      ? `, ${comparison.inconclusive} load(s) inconclusive (not compared: figures not trusted)`
      : '';
  if (comparison.regressed)
    return `REGRESSED: ${comparison.regressions} regression(s), ${comparison.improvements} improvement(s)${notJudged}`;
  if (comparison.inconclusive > 0)
    return `INCONCLUSIVE: no regression found, ${comparison.improvements} improvement(s)${notJudged}`;
  return `OK: no regression, ${comparison.improvements} improvement(s)`;
}

export function metricValue(m: MetricChange, value: number): string {
  if (m.unit === 'msg/s') return `${Math.round(value).toLocaleString('en-US')}/s`;
  return formatMicros(value);
}

export function changeText(change: number): string {
  if (!Number.isFinite(change)) return change > 0 ? '+∞' : '-∞';
  return `${change > 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
}

/** How the change was judged: `apart` / `overlap` (95 % intervals), `welch` / `welch: no`, `n/a` (no interval). */
export function significanceText(m: MetricChange): string {
  const s = m.significance;
  if (!s) return 'n/a';
  if (s.test === 'welch') return s.significant ? 'welch' : 'welch: no';
  return s.significant ? 'CIs apart' : 'CIs overlap';
}

export function directionText(m: MetricChange): string {
  return m.direction === 'regressed' ? 'REGRESSED' : m.direction.replace('-', ' ');
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map(
      (row) =>
        '  ' +
        row
          .map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** The comparison as Markdown, for a pull-request comment or a CI job summary. */
export function renderComparisonMarkdown(comparison: Comparison): string {
  const out: string[] = [];
  const icon = comparison.regressed ? '❌' : comparison.inconclusive > 0 ? '❔' : '✅';
  out.push(
    `## ${icon} Compared with baseline: ${comparison.regressed ? `${comparison.regressions} regression(s)` : 'no regression'}, ${comparison.improvements} improvement(s)${comparison.inconclusive > 0 ? `, ${comparison.inconclusive} load(s) inconclusive` : ''}`,
    '',
    `Baseline ${comparison.baseline.startedAt} → current ${comparison.current.startedAt}; threshold ${(comparison.options.threshold * 100).toFixed(1)}%, significance as in the report's tables (judgeDifference, α = ${comparison.options.alpha}).`,
    '',
  );
  const changed = comparison.loads.flatMap((load) =>
    load.metrics.map((m) => ({ load, m })).filter(({ m }) => m.direction !== 'unchanged'),
  );
  if (changed.length > 0) {
    out.push(
      '| load | metric | baseline | current | change | judged | verdict |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const { load, m } of changed) {
      const mark =
        m.direction === 'regressed'
          ? '❌ regressed'
          : m.direction === 'improved'
            ? '✅ improved'
            : `❔ ${directionText(m)}`;
      out.push(
        `| ${load.key} | ${m.metric} | ${metricValue(m, m.baseline)} | ${metricValue(m, m.current)} | ${changeText(m.change)} | ${significanceText(m)} | ${mark} |`,
      );
    }
    out.push('');
  } else if (comparison.loads.length > 0) out.push('No significant change in load figures.', '');
  for (const load of comparison.loads.filter((l) => l.verdictChange !== undefined)) {
    const mark = load.verdictChange === 'regressed' ? '❌ ' : load.verdictChange === 'improved' ? '✅ ' : '';
    out.push(
      `- ${mark}load **${load.key}**: ${load.baselineVerdict} → ${load.currentVerdict} (${load.verdictChange ?? ''})`,
    );
  }
  for (const load of comparison.loads.filter((l) => l.inconclusive !== undefined))
    out.push(`- ❔ load **${load.key}** not judged: ${load.inconclusive ?? ''}`);
  for (const load of comparison.loads.filter((l) => l.placementChanged !== undefined))
    out.push(`- ⚠️ load **${load.key}** placed differently: ${load.placementChanged ?? ''}`);
  const scenarioChanges = comparison.scenarios.filter(
    (s) => s.kind === 'newly-failing' || s.kind === 'fixed',
  );
  for (const s of scenarioChanges) {
    out.push(
      `- ${s.kind === 'newly-failing' ? '❌ newly failing' : '✅ fixed'}: \`${s.key}\` (${s.baseline ?? 'absent'} → ${s.current ?? 'absent'})`,
    );
  }
  return out.join('\n').trimEnd() + '\n';
}
