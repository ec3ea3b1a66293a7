// HTML sections for load results: the figures table, and per profile a side-by-side comparison of
// the targets with latency percentile curves (HDR style), throughput and p99 latency over time.
import type { LoadResult, RunResult } from '../../../result/index.js';
import {
  MIN_RATE_INTERVAL_MS,
  deliveredPerSecond,
  eventLoopDelayP99Ms,
  rateIntervals,
} from '../../../result/index.js';
import { loadLabel, profileNames, unique } from '../aggregate.js';
import { formatMicros, formatRate } from '../format.js';
import { MAX_NINES, percentileCurve, percentileLabel } from '../histogram.js';
import {
  LOAD_HEADER,
  deliverySummary,
  loadProblems,
  loadRow,
  thresholdActual,
  placementText,
  warmupText,
} from '../load-figures.js';
import { lineChart, niceTicks, type ChartSeries } from '../svg-chart.js';
import { esc, htmlTable, slug, verdictCell } from './shared.js';

export function loadSection(result: RunResult): string {
  if (result.loads.length === 0) return '';
  const out = ['<section id="load"><h2>Load</h2>'];
  const rows = result.loads.map((l) =>
    loadRow(l).map((cell, i) => (i === LOAD_HEADER.length - 1 ? verdictCell(l.verdict) : esc(cell))),
  );
  out.push(htmlTable(LOAD_HEADER, rows, new Set([4, 5, 6, 7, 8, 9, 10, 11, 12])));
  const problems = result.loads.filter((l) => loadProblems(l).length > 0);
  for (const l of problems) {
    out.push(
      `<p class="${l.verdict === 'passed' ? 'warning' : l.verdict}">${esc(`${l.name} [${l.target} · ${l.profile}]`)} ${l.verdict}: ${esc(loadProblems(l).join('; '))}</p>`,
    );
  }
  for (const l of result.loads) {
    for (const caveat of l.caveats ?? [])
      out.push(
        `<p class="warning">${esc(`${l.name} [${l.target} · ${l.profile}]`)} ${l.verdict}, caveat: ${esc(caveat)}</p>`,
      );
  }
  for (const l of result.loads) {
    for (const note of [warmupText(l), placementText(l)])
      if (note !== undefined)
        out.push(`<p class="muted">${esc(`${l.name} [${l.target} · ${l.profile}]`)} ${esc(note)}</p>`);
  }
  out.push(thresholdTable(result.loads));
  for (const profile of profileNames(result)) {
    const loads = result.loads.filter((l) => l.profile === profile);
    if (loads.length === 0) continue;
    out.push(`<h3 id="load-${slug(profile)}">Profile ${esc(profile)}: targets side by side</h3>`);
    out.push(sideBySide(loads));
    for (const name of unique(loads.map((l) => `${l.name} · MQTT ${l.mqttVersion}`))) {
      const group = loads.filter((l) => `${l.name} · MQTT ${l.mqttVersion}` === name);
      out.push(
        `<h4>${esc(name)} — ${esc(profile)}</h4>`,
        '<div class="charts">',
        ...charts(group, `${name} (${profile})`),
        '</div>',
      );
    }
  }
  out.push('</section>');
  return out.join('\n');
}

/** Every threshold of every load: ✓/✗, the expression and its scope, the actual value in its unit. */
function thresholdTable(loads: readonly LoadResult[]): string {
  const rows = loads.flatMap((l) =>
    l.thresholds.map((t) => [
      `<span class="${t.ok ? 'passed' : 'failed'}">${t.ok ? '✓' : '✗'}</span>`,
      esc(t.expression),
      esc([t.target, t.profile].filter(Boolean).join(' · ') || 'all'),
      esc(thresholdActual(t)),
      esc(loadLabel(l)),
    ]),
  );
  if (rows.length === 0) return '';
  return `<h3 id="thresholds">Thresholds</h3>\n${htmlTable(['', 'threshold', 'scope', 'actual', 'load'], rows, new Set([3]))}`;
}

function sideBySide(loads: LoadResult[]): string {
  const header = [
    'load',
    'target',
    'sent/s',
    'recv/s',
    'p50',
    'p90',
    'p99',
    'p99.9',
    'max',
    'dropped',
    'errors',
    'delivery',
    'generator',
    'verdict',
  ];
  const rows = loads.map((l) => [
    esc(`${l.name} · MQTT ${l.mqttVersion}`),
    esc(l.target),
    esc(formatRate(l.rate.sentPerSec)),
    esc(formatRate(l.rate.receivedPerSec)),
    esc(formatMicros(l.latency.p50)),
    esc(formatMicros(l.latency.p90)),
    esc(formatMicros(l.latency.p99)),
    esc(formatMicros(l.latency.p999)),
    esc(formatMicros(l.latency.max)),
    String(l.dropped),
    String(l.errors),
    esc(deliverySummary(l.delivery)),
    esc(
      l.generator.saturated
        ? `saturated (event-loop delay p99 ${eventLoopDelayP99Ms(l.generator)}ms)`
        : `ok, ${l.generator.workers} worker(s)`,
    ),
    verdictCell(l.verdict),
  ]);
  return htmlTable(header, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]));
}

function charts(loads: LoadResult[], title: string): string[] {
  const withIntervals = loads.filter((l) => l.intervals.length > 0);
  return [
    percentileChart(loads, title),
    ...(withIntervals.length ? intervalCharts(withIntervals, title) : []),
  ];
}

/** Latency by percentile (HDR style), one curve per target. */
function percentileChart(loads: LoadResult[], title: string): string {
  const curves: ChartSeries[] = [];
  for (const l of loads) {
    const curve = percentileCurve(l.histogram);
    if (curve) curves.push({ name: l.target, points: curve.map((p) => [p.x, p.valueUs / 1000] as const) });
  }
  if (!curves.length) return '<p class="muted">No latency histogram recorded.</p>';
  const nines = Array.from({ length: MAX_NINES + 1 }, (_, x) => ({ value: x, label: percentileLabel(x) }));
  const yMax = Math.max(...curves.flatMap((s) => s.points.map((p) => p[1])));
  return lineChart({
    title: `Latency by percentile: ${title}`,
    heading: 'Latency by percentile',
    series: curves,
    x: {
      label: 'percentile (log scale)',
      min: 0,
      max: MAX_NINES,
      ticks: nines,
      format: (x) => percentileLabel(x),
    },
    y: { label: 'latency (ms)', min: 0, ticks: niceTicks(0, yMax, msLabel), format: msLabel },
    markers: false,
  });
}

/** Delivered messages/s and p99 latency over time, from the per-interval samples. */
function intervalCharts(withIntervals: LoadResult[], title: string): string[] {
  const rate: ChartSeries[] = withIntervals.map((l) => ({
    name: l.target,
    points: rateIntervals(l.intervals).map(
      (i) => [(i.startMs + i.durationMs) / 1000, deliveredPerSecond(i)] as const,
    ),
  }));
  const p99: ChartSeries[] = withIntervals.map((l) => ({
    name: l.target,
    points: l.intervals
      .filter((i) => i.latency.count > 0)
      .map((i) => [(i.startMs + i.durationMs) / 1000, i.latency.p99 / 1000] as const),
  }));
  // The chart plots what the subscribers received per interval (counted when delivered), so a
  // broker that falls behind shows below the offered rate, drawn dashed for reference.
  const offered = unique(withIntervals.map((l) => l.config['rate'])).filter(
    (r): r is number => typeof r === 'number' && r > 0,
  );
  const offeredLine =
    offered.length === 1 ? [{ y: offered[0]!, label: `offered ${formatRate(offered[0]!)}` }] : [];
  const rateMax = Math.max(
    1,
    ...rate.flatMap((s) => s.points.map((p) => p[1])),
    ...offeredLine.map((r) => r.y),
  );
  const p99Max = Math.max(0.001, ...p99.flatMap((s) => s.points.map((p) => p[1])));
  const time = { label: 'time (s)', min: 0, format: (x: number) => `${x.toFixed(1)}s` };
  const shortened = withIntervals.some((l) => rateIntervals(l.intervals).length < l.intervals.length);
  return [
    lineChart({
      title: `Delivered messages/s over time: ${title}`,
      heading: 'Delivered messages/s over time',
      series: rate,
      x: time,
      y: {
        label: 'delivered messages/s',
        min: 0,
        ticks: niceTicks(0, rateMax),
        format: (v) => v.toFixed(0),
      },
      referenceLines: offeredLine,
    }),
    lineChart({
      title: `p99 latency over time: ${title}`,
      heading: 'p99 latency over time',
      series: p99,
      x: time,
      y: { label: 'p99 latency (ms)', min: 0, ticks: niceTicks(0, p99Max, msLabel), format: msLabel },
    }),
    ...(shortened
      ? [
          `<p class="muted">The last interval of a run, cut short where it ended (under ${MIN_RATE_INTERVAL_MS / 1000} s, the drain), is not plotted as a rate; the JSON result keeps it.</p>`,
        ]
      : []),
  ];
}

function msLabel(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? String(Number(ms.toFixed(2))) : String(Number(ms.toFixed(3)));
}
