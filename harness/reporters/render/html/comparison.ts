// The HTML section for a comparison with a baseline run (optional).
import type { Comparison, MetricChange } from '../../../compare/model.js';
import { formatMicros, formatRate } from '../format.js';
import { esc, htmlTable } from './shared.js';

export function comparisonSection(comparison: Comparison | undefined): string {
  if (!comparison) return '';
  const out = ['<section id="comparison"><h2>Comparison with baseline</h2>'];
  out.push(
    `<p>Baseline ${esc(comparison.baseline.startedAt)} → current ${esc(comparison.current.startedAt)}; threshold ${(comparison.options.threshold * 100).toFixed(1)}%, significance as in the tables below (judgeDifference, α = ${comparison.options.alpha}). ` +
      `<strong class="${comparison.regressed ? 'failed' : comparison.inconclusive > 0 ? 'inconclusive' : 'passed'}">${comparison.regressed ? `${comparison.regressions} regression(s)` : 'no regression'}</strong>, ${comparison.improvements} improvement(s)${comparison.inconclusive > 0 ? `, ${comparison.inconclusive} load(s) inconclusive (not compared)` : ''}.</p>`,
  );
  const rows: string[][] = [];
  for (const load of comparison.loads) {
    for (const m of load.metrics) {
      const fmt = (v: number): string => (m.unit === 'msg/s' ? formatRate(v) : formatMicros(v));
      const change = Number.isFinite(m.change)
        ? `${m.change > 0 ? '+' : ''}${(m.change * 100).toFixed(1)}%`
        : '∞';
      const p = esc(significanceText(m));
      const cls =
        m.direction === 'regressed'
          ? 'failed'
          : m.direction === 'improved'
            ? 'passed'
            : m.direction === 'unchanged'
              ? 'skipped'
              : 'inconclusive';
      rows.push([
        esc(load.key),
        m.metric,
        fmt(m.baseline),
        fmt(m.current),
        change,
        p,
        `<span class="${cls}">${m.direction.replace('-', ' ')}</span>`,
      ]);
    }
    if (load.verdictChange !== undefined) {
      const cls =
        load.verdictChange === 'regressed'
          ? 'failed'
          : load.verdictChange === 'improved'
            ? 'passed'
            : 'inconclusive';
      rows.push([
        esc(load.key),
        'verdict',
        esc(load.baselineVerdict),
        esc(load.currentVerdict),
        '',
        '',
        `<span class="${cls}">${load.verdictChange}</span>`,
      ]);
    }
  }
  if (rows.length)
    out.push(
      htmlTable(
        ['load', 'metric', 'baseline', 'current', 'change', 'judged', 'verdict'],
        rows,
        new Set([2, 3, 4, 5]),
      ),
    );
  for (const load of comparison.loads.filter((l) => l.inconclusive !== undefined))
    out.push(`<p class="inconclusive">not judged: ${esc(load.key)}: ${esc(load.inconclusive ?? '')}</p>`);
  if (comparison.scenarios.length) {
    const changes = comparison.scenarios.map((s) => [
      `<span class="${s.kind === 'newly-failing' ? 'failed' : s.kind === 'fixed' ? 'passed' : 'skipped'}">${esc(s.kind)}</span>`,
      esc(s.key),
      esc(s.baseline ?? '(absent)'),
      esc(s.current ?? '(absent)'),
    ]);
    out.push(
      '<h3>Conformance changes</h3>',
      htmlTable(['change', 'scenario', 'baseline', 'current'], changes),
    );
  }
  out.push('</section>');
  return out.join('\n');
}

/** How a change was judged (the same words as the console's compare table). */
function significanceText(m: MetricChange): string {
  const s = m.significance;
  if (!s) return 'n/a';
  if (s.test === 'welch') return s.significant ? 'welch' : 'welch: no';
  return s.significant ? 'CIs apart' : 'CIs overlap';
}
