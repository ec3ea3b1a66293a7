// The HTML comparative views: per workload, latency (p50, p99) against delivered rate with one small
// chart per profile and the SLO drawn, a table per metric (targets as columns, profiles as rows,
// value with its 95 % interval and the change against the baseline, marked only where significant),
// the maximum sustainable rate, and notes on thin percentiles and cells that cannot be judged
// (greyed out with their reason). Inline SVG and tables only: readable with JavaScript off.
import { formatMicros, formatRate } from '../format.js';
import { PALETTE, lineChart, niceTicks, type ChartSeries } from '../svg-chart.js';
import {
  cellText,
  deltaText,
  maxRateText,
  rankedText,
  rateLabel,
  valueParts,
  workloadNotes,
} from '../comparative/text.js';
import {
  METRICS,
  SUSTAINED_SHARE,
  type CellView,
  type ComparativeView,
  type MetricSpec,
  type WorkloadView,
} from '../comparative/view.js';
import { esc, htmlTable, slug } from './shared.js';

export function comparativeSection(view: ComparativeView | undefined): string {
  if (!view) return '';
  const out = ['<section id="compare"><h2>Comparison across targets and profiles</h2>'];
  out.push(
    `<p>Baseline <strong>${esc(view.baseline)}</strong>. Each cell: the value and its 95 % interval; Δ is the change against the baseline, ` +
      `<span class="better">better</span> or <span class="worse">worse</span> only where the difference is significant, by the one decision every table and the ranking use: Welch's t-test at 5 % when both cells were repeated, otherwise the two 95 % intervals must not overlap (an unmarked Δ may be noise). ` +
      `† marks a percentile resting on fewer than 100 samples above it. <span class="inconclusive-key">Greyed</span> cells could not be judged.</p>`,
  );
  if (view.baselineNote) out.push(`<p class="warning">${esc(view.baselineNote)}</p>`);
  if (view.inconclusive.length)
    out.push(
      `<p class="inconclusive-summary"><span class="badge inconclusive">${view.inconclusive.length} inconclusive</span> ` +
        esc(
          view.inconclusive.map((c) => `${c.target} · ${c.profile} (${c.workload}): ${c.reason}`).join('; '),
        ) +
        '</p>',
    );
  for (const workload of view.workloads) out.push(workloadSection(view, workload));
  out.push('</section>');
  return out.join('\n');
}

function workloadSection(view: ComparativeView, workload: WorkloadView): string {
  const id = `compare-${slug(workload.name)}`;
  const out = [`<h3 id="${id}">${esc(workload.name)}</h3>`];
  out.push('<div class="charts">', ...workload.profiles.map((p) => latencyChart(workload, p)), '</div>');
  // The headline first: how far each target went under each profile, and whether the order is real.
  out.push(maxRateTable(view, workload));
  for (const metric of METRICS) {
    out.push(`<h4>${esc(metric.label)}</h4>`);
    out.push(metricTable(view, workload, metric));
  }
  const notes = workloadNotes(workload);
  if (notes.length) out.push(`<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return out.join('\n');
}

/** p50 (dashed) and p99 (solid) against delivered rate, one colour per target; points when one rate. */
function latencyChart(workload: WorkloadView, profile: string): string {
  const series: ChartSeries[] = [];
  const legend: { name: string; color: string; dash?: string }[] = [];
  workload.targets.forEach((target, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#333';
    // One point per cell (the mean over repetitions), in the order of the offered rates.
    const cells = workload.rows
      .filter((row) => row.profile === profile)
      .flatMap((row) => {
        const cell = row.cells.get(target);
        return cell && cell.points.some((p) => p.latency.count > 0) ? [cell] : [];
      });
    if (cells.length === 0) return;
    const line = cells.length > 1;
    const at = (id: 'p50' | 'p99'): (readonly [number, number])[] =>
      cells.map((c) => [c.metrics.delivered.value, c.metrics[id].value / 1000] as const);
    series.push({ name: `${target} p99`, points: at('p99'), color, line });
    series.push({ name: `${target} p50`, points: at('p50'), color, dash: '5 3', line });
    legend.push({ name: target, color });
  });
  if (series.length === 0) return `<p class="muted">${esc(profile)}: no latency recorded.</p>`;
  legend.push({ name: 'p99', color: '#57606a' }, { name: 'p50', color: '#57606a', dash: '5 3' });
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const slos = workload.slos.get(profile);
  const slo = slos?.p99Us === undefined ? undefined : slos.p99Us / 1000;
  const slo50 = slos?.p50Us === undefined ? undefined : slos.p50Us / 1000;
  const xMax = Math.max(...xs) * 1.1 || 1;
  const yMax = Math.max(...ys, slo ?? 0, slo50 ?? 0) * 1.1 || 1;
  const referenceLines = [
    ...(slo === undefined
      ? []
      : [{ y: slo, label: `SLO p99 ${formatMicros(slo * 1000)}`, color: '#cf222e' }]),
    ...(slo50 === undefined
      ? []
      : [{ y: slo50, label: `SLO p50 ${formatMicros(slo50 * 1000)}`, color: '#cf222e' }]),
  ];
  return lineChart({
    title: `Latency against delivered rate: ${workload.name} (${profile})`,
    heading: `${profile}: latency vs delivered rate`,
    series,
    legend,
    x: {
      label: 'delivered messages/s',
      min: 0,
      max: niceTicks(0, xMax).at(-1)?.value ?? xMax,
      ticks: niceTicks(0, xMax, (v) => formatRate(v).replace('/s', '')),
      format: (v) => formatRate(v),
    },
    y: {
      label: 'latency (ms)',
      min: 0,
      ticks: niceTicks(0, yMax, msLabel),
      format: (v) => formatMicros(v * 1000),
    },
    ...(referenceLines.length === 0 ? {} : { referenceLines }),
    width: 380,
    height: 260,
    markers: true,
  });
}

function metricTable(view: ComparativeView, workload: WorkloadView, metric: MetricSpec): string {
  const header = [
    'profile',
    'offered',
    ...workload.targets.map((t) => (t === view.baseline ? `${t} (baseline)` : t)),
  ];
  const rows = workload.rows.map((row) => [
    esc(row.profile),
    esc(rateLabel(row.offeredPerSec)),
    ...workload.targets.map((t) => metricCell(metric, row.cells.get(t))),
  ]);
  return scroll(
    htmlTable(header, rows, new Set([1])).replace(
      '<table>',
      `<table class="compare" data-metric="${metric.id}">`,
    ),
  );
}

/** A wide table scrolls inside its own box rather than widening the page. */
function scroll(table: string): string {
  return `<div class="table-scroll">${table}</div>`;
}

function metricCell(metric: MetricSpec, cell: CellView | undefined): string {
  if (!cell) return '<span class="muted">–</span>';
  const v = cell.metrics[metric.id];
  const title = cellText(metric, cell, ' †') + (cell.reason ? ` — ${cell.reason}` : '');
  const caveat = v.caveat ? `<sup class="caveat" title="${esc(v.caveat)}">†</sup>` : '';
  const { main, interval } = valueParts(metric, v);
  const parts = [
    `<span class="value">${esc(main)}</span>${caveat}${interval ? ` <span class="ci">${esc(interval)}</span>` : ''}`,
  ];
  const delta = cell.delta?.[metric.id];
  if (delta) {
    const cls = delta.significant ? (delta.better ? 'better' : 'worse') : 'same';
    parts.push(`<span class="delta ${cls}">Δ ${esc(deltaText(delta))}</span>`);
  }
  if (cell.repetitions > 1) parts.push(`<span class="muted">n=${cell.repetitions}</span>`);
  if (cell.status !== 'ok')
    parts.push(`<span class="why">${esc(cell.status)}: ${esc(cell.reason ?? '')}</span>`);
  return `<div class="cell ${cell.status}" title="${esc(title)}">${parts.join(' ')}</div>`;
}

function maxRateTable(view: ComparativeView, workload: WorkloadView): string {
  const ranks = workload.order.size > 0;
  const rows = workload.profiles.map((profile) => [
    esc(profile),
    `<span class="slo">${esc(workload.slos.get(profile)?.text ?? '–')}</span>`,
    ...workload.targets.map((t) => {
      const m = workload.maxRate.get(profile)?.get(t);
      if (!m) return '<span class="muted">–</span>';
      const why = m.next ? `${formatRate(m.next.rate)} not sustained: ${m.next.why}` : (m.reason ?? '');
      const cls = m.bound === 'inconclusive' ? 'cell inconclusive' : 'cell';
      const d = m.delta;
      const delta =
        d && d.change !== undefined
          ? ` <span class="delta ${d.mark === 'not significant' ? 'same' : d.mark}">Δ ${esc(
              deltaText({
                change: d.change,
                significant: d.mark !== 'not significant',
                better: d.mark === 'better',
              }),
            )}</span>`
          : '';
      return `<div class="${cls}" title="${esc(why)}"><span class="value">${esc(maxRateText(m))}</span>${delta}${why ? ` <span class="why">${esc(why)}</span>` : ''}</div>`;
    }),
    ...(ranks ? [`<strong>${esc(rankedText(workload, profile))}</strong>`] : []),
  ]);
  return (
    `<h4>Maximum sustainable rate</h4><p class="muted">The highest offered rate held: delivered ≥ ${SUSTAINED_SHARE * 100} % of offered and within the profile's SLO (column SLO), no failure; value ± 95 % interval over the climbs (n). "≥" when every rate tried held or the generator stopped the climb (a lower bound). Ranked: the orders that are significant (the one decision, judgeDifference over the climbs; a lower bound never counts as the lower side), and Δ is marked better/worse exactly there.</p>` +
    scroll(
      htmlTable(
        [
          'profile',
          'SLO',
          ...workload.targets.map((t) => (t === view.baseline ? `${t} (baseline)` : t)),
          ...(ranks ? ['ranked'] : []),
        ],
        rows,
      ).replace('<table>', '<table class="compare" data-metric="max-rate">'),
    )
  );
}

function msLabel(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? String(Number(ms.toFixed(2))) : String(Number(ms.toFixed(3)));
}
