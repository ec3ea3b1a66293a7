// The comparative tables as plain cells, for the console and Markdown (HTML decorates the same view):
// per workload, one table per metric (profiles × rates as rows, targets as columns, value ± 95 %
// interval and the change against the baseline), the maximum sustainable rate, and footnotes for
// thin percentiles and cells that cannot be judged.
import { formatMicros, formatRate } from '../format.js';
import {
  METRICS,
  MIN_SAMPLES_ABOVE,
  SUSTAINED_SHARE,
  type CellView,
  type ComparativeView,
  type Delta,
  type MaxRate,
  type MetricSpec,
  type MetricValue,
  type WorkloadView,
} from './view.js';

export interface TextTable {
  title: string;
  header: string[];
  rows: string[][];
}

export interface WorkloadText {
  title: string;
  tables: TextTable[];
  notes: string[];
}

export function formatMetric(metric: MetricSpec, value: number): string {
  return metric.unit === 'us' ? formatMicros(value) : formatRate(value);
}

/** "12.3ms ±0.4ms" (symmetric t interval) or "12.3ms (11.9ms–13ms)" (order statistics). */
export function valueText(metric: MetricSpec, v: MetricValue): string {
  const { main, interval } = valueParts(metric, v);
  return interval === undefined ? main : `${main} ${interval}`;
}

/** The value and its interval apart ("12.3ms", "±0.4ms"), for a page that sets the interval smaller. */
export function valueParts(metric: MetricSpec, v: MetricValue): { main: string; interval?: string } {
  if (!Number.isFinite(v.value)) return { main: 'no data' };
  const main = formatMetric(metric, v.value);
  if (!v.ci) return { main };
  if (v.method === 'order-statistics')
    return { main, interval: `(${formatMetric(metric, v.ci.low)}–${formatMetric(metric, v.ci.high)})` };
  const half = (v.ci.high - v.ci.low) / 2;
  return {
    main,
    interval: `±${metric.unit === 'us' ? formatMicros(half) : formatRate(half).replace('/s', '')}`,
  };
}

/** "+12.3% worse", "−8.1% better", or "+2.0%" when the difference is not significant. */
export function deltaText(delta: Delta): string {
  const pct = delta.change * 100;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  const magnitude = Math.abs(pct);
  const number = `${sign}${magnitude >= 100 ? magnitude.toFixed(0) : magnitude.toFixed(1)}%`;
  return delta.significant ? `${number} ${delta.better ? 'better' : 'worse'}` : number;
}

export function rateLabel(rate: number | undefined): string {
  return rate === undefined ? 'closed loop' : formatRate(rate);
}

export function maxRateText(m: MaxRate): string {
  switch (m.bound) {
    case 'exact':
      return formatRate(m.value!) + spread(m);
    case 'at-least':
      return `≥ ${formatRate(m.value!)}${spread(m)}`;
    case 'below':
      return `< ${formatRate(m.value!)}`;
    case 'inconclusive':
      return 'inconclusive';
    case 'none':
      return '–';
  }
}

/** "≥ 8,000/s ±0 (n=2) Δ +50.0% better": the maximum sustainable rate with its Δ to the baseline, marked as the ranking decides. */
export function maxRateCellText(m: MaxRate): string {
  const d = m.delta;
  if (!d || d.change === undefined) return maxRateText(m);
  return `${maxRateText(m)} Δ ${deltaText({ change: d.change, significant: d.mark !== 'not significant', better: d.mark === 'better' })}`;
}

/** "mosquitto > aedes, mosquitto > reference" or "no significant difference". */
export function orderText(claims: readonly { higher: string; lower: string }[]): string {
  return claims.length === 0
    ? 'no significant difference'
    : claims.map((c) => `${c.higher} > ${c.lower}`).join(', ');
}

/** " ±40 (n=3)" for a sweep's repetitions. */
function spread(m: MaxRate): string {
  if (!m.ci) return m.repetitions && m.repetitions > 1 ? ` (n=${m.repetitions})` : '';
  return ` ±${formatRate((m.ci.high - m.ci.low) / 2).replace('/s', '')} (n=${m.repetitions ?? 0})`;
}

export function cellText(metric: MetricSpec, cell: CellView | undefined, caveatMark: string): string {
  if (!cell) return '–';
  const v = cell.metrics[metric.id];
  const parts = [valueText(metric, v) + (v.caveat ? caveatMark : '')];
  const delta = cell.delta?.[metric.id];
  if (delta) parts.push(`Δ ${deltaText(delta)}`);
  if (cell.status === 'inconclusive') parts.push('(inconclusive)');
  else if (cell.status === 'failed') parts.push('(failed)');
  else if (cell.status === 'knee') parts.push('(knee)');
  if (cell.repetitions > 1) parts.push(`n=${cell.repetitions}`);
  return parts.join(' ');
}

export function workloadText(view: ComparativeView, workload: WorkloadView): WorkloadText {
  const header = ['profile', 'offered', ...workload.targets.map((t) => columnName(view, t))];
  const tables: TextTable[] = METRICS.map((metric) => ({
    title: metric.label,
    header,
    rows: workload.rows.map((row) => [
      row.profile,
      rateLabel(row.offeredPerSec),
      ...workload.targets.map((t) => cellText(metric, row.cells.get(t), ' †')),
    ]),
  }));
  const ranks = workload.order.size > 0;
  const maxRows = workload.profiles
    .map((profile) => [
      profile,
      workload.slos.get(profile)?.text ?? '–',
      ...workload.targets.map((t) => {
        const m = workload.maxRate.get(profile)?.get(t);
        return m ? maxRateCellText(m) : '–';
      }),
      ...(ranks ? [rankedText(workload, profile)] : []),
    ])
    .filter((row) => row.slice(2, 2 + workload.targets.length).some((cell) => cell !== '–'));
  if (maxRows.length)
    tables.push({
      title: `maximum sustainable rate (delivered ≥ ${SUSTAINED_SHARE * 100} % of offered and within the profile's SLO${ranks ? '; ranked: the significant orders' : ''})`,
      header: [
        'profile',
        'SLO',
        ...workload.targets.map((t) => columnName(view, t)),
        ...(ranks ? ['ranked'] : []),
      ],
      rows: maxRows,
    });
  return { title: workload.name, tables, notes: workloadNotes(workload) };
}

/** The ranking by maximum sustainable rate under a profile ('–' when fewer than two sweeps). */
export function rankedText(workload: WorkloadView, profile: string): string {
  const claims = workload.order.get(profile);
  return claims === undefined ? '–' : orderText(claims);
}

function columnName(view: ComparativeView, target: string): string {
  return target === view.baseline ? `${target} (baseline)` : target;
}

/** Thin percentiles (†, one note per metric), cells that cannot be judged, and knees found. */
export function workloadNotes(workload: WorkloadView): string[] {
  const notes: string[] = [];
  const cells = workload.rows.flatMap((row) => [...row.cells.values()].map((cell) => ({ row, cell })));
  for (const metric of METRICS) {
    const thin = cells
      .filter(({ cell }) => cell.metrics[metric.id].caveat !== undefined)
      .map(({ cell }) => cell.metrics[metric.id].samplesAbove!);
    if (thin.length === 0) continue;
    const low = Math.min(...thin);
    const high = Math.max(...thin);
    notes.push(
      `† ${metric.label.split(' ')[0]} rests on fewer than ${MIN_SAMPLES_ABOVE} samples above it in ${thin.length} of ${cells.length} cells (${low === high ? low : `${low}–${high}`}): read it as a rough figure`,
    );
  }
  for (const { row, cell } of cells) {
    const at = `${cell.target} · ${row.profile} · ${rateLabel(row.offeredPerSec)}`;
    if (cell.status === 'inconclusive') notes.push(`inconclusive ${at}: ${cell.reason ?? ''}`.trim());
    else if (cell.status === 'failed') notes.push(`failed ${at}: ${cell.reason ?? ''}`.trim());
  }
  for (const [profile, perTarget] of workload.maxRate)
    for (const [target, m] of perTarget)
      if (m.next)
        notes.push(`${target} · ${profile}: ${formatRate(m.next.rate)} not sustained (${m.next.why})`);
  for (const [profile, claims] of workload.order)
    notes.push(`ranked by maximum sustainable rate · ${profile}: ${orderText(claims)}`);
  return notes;
}
