// Load figures shared by the console, Markdown and HTML renderers: one row of key numbers per load,
// and the delivery verdicts in words.
import {
  eventLoopDelayP99Ms,
  type DeliveryVerdict,
  type LoadResult,
  type Placement,
  type RunResult,
  type ThresholdResult,
} from '../../result/index.js';
import { formatCount, formatMicros, formatMillis, formatRate } from './format.js';

export const LOAD_HEADER = [
  'load',
  'target',
  'profile',
  'MQTT',
  'sent',
  'received',
  'dropped',
  'sent/s',
  'recv/s',
  'p50',
  'p99',
  'p99.9',
  'max',
  'delivery',
  'verdict',
];

export function loadRow(load: LoadResult): string[] {
  return [
    load.name,
    load.target,
    load.profile,
    load.mqttVersion,
    formatCount(load.sent),
    formatCount(load.received),
    formatCount(load.dropped),
    formatRate(load.rate.sentPerSec),
    formatRate(load.rate.receivedPerSec),
    formatMicros(load.latency.p50),
    formatMicros(load.latency.p99),
    formatMicros(load.latency.p999),
    formatMicros(load.latency.max),
    deliverySummary(load.delivery),
    verdictText(load),
  ];
}

/** The load's verdict as the tables print it: PASSED, FAILED or INCONCLUSIVE (never a bare pass beside a problem). */
export function verdictText(load: LoadResult): string {
  return load.verdict === 'passed' ? 'passed' : load.verdict.toUpperCase();
}

/** "QoS1 ok; QoS0 lost 12" */
export function deliverySummary(delivery: readonly DeliveryVerdict[]): string {
  if (delivery.length === 0) return '–';
  return delivery.map(deliveryText).join('; ');
}

export function deliveryText(d: DeliveryVerdict): string {
  const issues: string[] = [];
  if (d.lost) issues.push(`lost ${formatCount(d.lost)}`);
  if (d.duplicated) issues.push(`dup ${formatCount(d.duplicated)}`);
  if (d.outOfOrder) issues.push(`out-of-order ${formatCount(d.outOfOrder)}`);
  const state = d.ok ? (issues.length ? 'ok,' : 'ok') : 'FAILED:';
  return `QoS${d.qos} ${state}${issues.length ? ' ' + issues.join(', ') : ''}`.trim();
}

/**
 * Why a load failed or is inconclusive, one line each: the reason's parts (run problems, delivery,
 * thresholds, why the figures cannot be trusted), and a saturated generator even on older results.
 */
export function loadProblems(load: LoadResult): string[] {
  const problems = load.reason === undefined ? [] : load.reason.split('; ').filter(Boolean);
  for (const t of load.thresholds) {
    if (t.ok) continue;
    const text = `threshold ${t.expression} not met (actual ${thresholdActual(t)})`;
    const index = problems.findIndex((p) => p.includes(t.expression));
    if (index >= 0) problems[index] = text;
    else problems.push(text);
  }
  for (const d of load.delivery) {
    const text = `QoS ${d.qos}: lost ${d.lost}, duplicated ${d.duplicated}`;
    if (!d.ok && !problems.includes(text))
      problems.push(`delivery ${deliveryText(d)} (expected ${d.expected}, received ${d.received})`);
  }
  if (load.generator.saturated && !problems.some((p) => p.includes('saturated') || p.includes('schedule')))
    problems.push(
      `generator saturated: event-loop delay p99 ${eventLoopDelayP99Ms(load.generator)}ms, schedule overrun ${load.generator.scheduleOverrunMs}ms`,
    );
  return problems;
}

/**
 * The warm-up, apart from the figures: "warm-up 1s: 1,000 sent, 0 dropped, 1,000 received, latency
 * p50 85µs p99 1.2ms (not in the figures)"; undefined when the load had none.
 */
export function warmupText(load: LoadResult): string | undefined {
  const w = load.warmup;
  if (w === undefined) return undefined;
  return (
    `warm-up ${formatMillis(w.durationMs)}: ${formatCount(w.sent)} sent, ${formatCount(w.dropped)} dropped, ` +
    `${formatCount(w.received)} received, latency p50 ${formatMicros(w.latency.p50)} p99 ${formatMicros(w.latency.p99)} (not in the figures)`
  );
}

/** Where the load ran: "broker CPUs 0 · generator CPUs 1"; undefined when nothing was pinned. */
export function placementText(load: LoadResult): string | undefined {
  return placementWords({
    ...(load.broker?.cpus !== undefined && { broker: load.broker.cpus }),
    ...(load.generator.cpus !== undefined && { generator: load.generator.cpus }),
  });
}

/** "broker CPUs 0 · generator CPUs 1" of a placement (a load's, a sweep's); undefined when empty. */
export function placementWords(placement: Placement | undefined): string | undefined {
  const parts = [
    ...(placement?.broker === undefined ? [] : [`broker CPUs ${placement.broker}`]),
    ...(placement?.generator === undefined ? [] : [`generator CPUs ${placement.generator}`]),
  ];
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * The run's placement in one line, for the report's head: each pinned target's CPUs (one list when
 * they share it) and the generator's; undefined when nothing was pinned.
 */
export function runPlacementText(result: RunResult): string | undefined {
  const pinned = result.targets.filter((target) => target.cpus !== undefined);
  const lists = [...new Set(pinned.map((target) => target.cpus))];
  const generator = [
    ...new Set([
      ...result.loads.flatMap((load) => (load.generator.cpus === undefined ? [] : [load.generator.cpus])),
      ...(result.sweeps ?? []).flatMap((sweep) =>
        sweep.placement?.generator === undefined ? [] : [sweep.placement.generator],
      ),
    ]),
  ];
  const parts = [
    ...(pinned.length === 0
      ? []
      : [
          lists.length === 1 && pinned.length === result.targets.length
            ? `broker CPUs ${lists[0]}`
            : `broker CPUs ${pinned.map((target) => `${target.name} ${target.cpus}`).join(', ')}`,
        ]),
    ...(generator.length === 0 ? [] : [`generator CPUs ${generator.join(', ')}`]),
  ];
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** "✓ p99 < 20ms (actual 3.2 ms)"; a threshold scoped to a target or profile names its scope. */
export function thresholdLine(t: ThresholdResult): string {
  const scope = [t.target, t.profile].filter((part) => part !== undefined);
  return `${t.ok ? '✓' : '✗'} ${t.expression}${scope.length ? ` [${scope.join(' · ')}]` : ''} (actual ${thresholdActual(t)})`;
}

/** The actual value with the unit the expression used: "3.2ms", "9,870/s", "0". */
export function thresholdActual(t: ThresholdResult): string {
  const value = Number(t.actual.toPrecision(4));
  // Results written before thresholds carried their unit: the expression's own unit (latencies default to ms).
  const unit = t.unit ?? /\d\s*(\/s|[a-zµ]+)\s*$/.exec(t.expression)?.[1] ?? '';
  if (unit === '' || unit === '/s') return `${value.toLocaleString('en-US')}${unit}`;
  return `${value}${unit}`;
}
