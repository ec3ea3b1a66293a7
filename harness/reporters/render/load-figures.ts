// Load figures shared by the console, Markdown and HTML renderers: one row of key numbers per load,
// and the delivery verdicts in words.
import type { DeliveryVerdict, LoadResult } from '../../result/model.js';
import { formatCount, formatMicros, formatRate } from './format.js';

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
    load.verdict === 'passed'
      ? load.generator.saturated
        ? 'passed (generator saturated)'
        : 'passed'
      : 'FAILED',
  ];
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

/** Why a load failed: its reason, failed thresholds and failed delivery verdicts. */
export function loadProblems(load: LoadResult): string[] {
  const problems: string[] = [];
  if (load.reason) problems.push(load.reason);
  for (const t of load.thresholds) {
    if (t.ok) continue;
    const text = `threshold ${t.expression} not met (actual ${Number(t.actual.toPrecision(6))})`;
    if (load.reason?.includes(t.expression)) problems[0] = text;
    else problems.push(text);
  }
  for (const d of load.delivery)
    if (!d.ok) problems.push(`delivery ${deliveryText(d)} (expected ${d.expected}, received ${d.received})`);
  if (load.generator.saturated)
    problems.push(
      `generator saturated: event-loop lag p99 ${load.generator.eventLoopLagP99Ms}ms, schedule overrun ${load.generator.scheduleOverrunMs}ms`,
    );
  return problems;
}
