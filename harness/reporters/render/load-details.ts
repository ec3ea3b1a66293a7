// Every figure of one load as plain text (the `bench` reporter prints it): messages, rates, each
// latency's percentiles, delivery per QoS, the generator's and the broker's state, thresholds.
// A pure function of the result model.
import { eventLoopDelayP99Ms, type LoadResult, type Percentiles } from '../../result/index.js';
import { formatMicros } from './format.js';
import { placementText, warmupText } from './load-figures.js';

function percentileLine(label: string, p: Percentiles): string {
  const figures = [
    `p50 ${formatMicros(p.p50)}`,
    `p90 ${formatMicros(p.p90)}`,
    `p99 ${formatMicros(p.p99)}`,
    `p99.9 ${formatMicros(p.p999)}`,
    `max ${formatMicros(p.max)}`,
  ];
  return `${label.padEnd(9)} ${figures.join('  ')}  (n=${p.count})`;
}

export function renderLoadDetails(load: LoadResult): string {
  const out: string[] = [
    `${load.name} on ${load.target} (MQTT ${load.mqttVersion}, profile ${load.profile}, ${load.executor}): ` +
      `${load.verdict.toUpperCase()}${load.reason ? ` — ${load.reason}` : ''}`,
    `messages  intended ${load.intended}  sent ${load.sent}  dropped ${load.dropped}  received ${load.received}  errors ${load.errors}`,
    `rate      sent ${load.rate.sentPerSec.toFixed(0)}/s  received ${load.rate.receivedPerSec.toFixed(0)}/s`,
    percentileLine('latency', load.latency),
  ];
  if (load.serviceTime) out.push(percentileLine('service', load.serviceTime.percentiles));
  if (load.sendLateness) out.push(percentileLine('lateness', load.sendLateness.percentiles));
  if (load.ackLatency) out.push(percentileLine('ack', load.ackLatency.percentiles));
  if (load.connectLatency) out.push(percentileLine('connect', load.connectLatency.percentiles));
  const warmup = warmupText(load);
  if (warmup !== undefined) out.push(`warm-up   ${warmup.slice('warm-up '.length)}`);
  for (const d of load.delivery) {
    out.push(
      `QoS ${d.qos}     expected ${d.expected}  received ${d.received}  lost ${d.lost}  duplicated ${d.duplicated}  out of order ${d.outOfOrder}  ${d.ok ? 'ok' : 'FAILED'}`,
    );
  }
  const g = load.generator;
  out.push(
    `generator cpu ${g.cpuPercent}%${g.cpuPerMessageUs === undefined ? '' : ` (${g.cpuPerMessageUs}µs/msg)`}  workers ${g.workers}${g.timer === undefined ? '' : `  timer ${g.timer}`}  event-loop delay p99 ${eventLoopDelayP99Ms(g)}ms  schedule overrun ${g.scheduleOverrunMs}ms${g.saturated ? '  SATURATED (schedule not kept)' : ''}`,
  );
  const placement = placementText(load);
  if (placement !== undefined) out.push(`placement ${placement}`);
  if (load.connections) {
    const c = load.connections;
    out.push(`conns     connected ${c.connected}/${c.attempted}  failed ${c.failed}  peak ${c.peak}`);
  }
  if (load.broker) {
    out.push(
      `broker    cpu ${load.broker.cpuPercent}%  rss max ${(load.broker.rssMaxBytes / 1048576).toFixed(1)} MiB`,
    );
  }
  for (const t of load.thresholds)
    out.push(`threshold ${t.ok ? 'ok  ' : 'FAIL'} ${t.expression} (actual ${t.actual})`);
  for (const message of load.errorMessages ?? []) out.push(`error     ${message}`);
  return `${out.join('\n')}\n`;
}
