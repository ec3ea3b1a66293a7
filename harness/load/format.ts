// Plain-text rendering of a LoadResult for the bench command (a pure function of the result).
import type { LoadResult, Percentiles } from '../result/model.js';

export function formatMicros(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)}s`;
  if (us >= 1000) return `${(us / 1000).toFixed(2)}ms`;
  return `${Math.round(us)}µs`;
}

function line(label: string, p: Percentiles): string {
  return `${label.padEnd(9)} p50 ${formatMicros(p.p50)}  p90 ${formatMicros(p.p90)}  p99 ${formatMicros(p.p99)}  p99.9 ${formatMicros(p.p999)}  max ${formatMicros(p.max)}  (n=${p.count})`;
}

export function formatLoadResult(result: LoadResult): string {
  const out: string[] = [];
  out.push(
    `${result.name} on ${result.target} (MQTT ${result.mqttVersion}, ${result.executor}): ${result.verdict.toUpperCase()}${result.reason ? ` — ${result.reason}` : ''}`,
  );
  out.push(
    `messages  intended ${result.intended}  sent ${result.sent}  dropped ${result.dropped}  received ${result.received}  errors ${result.errors}`,
  );
  out.push(
    `rate      sent ${result.rate.sentPerSec.toFixed(0)}/s  received ${result.rate.receivedPerSec.toFixed(0)}/s`,
  );
  out.push(line('latency', result.latency));
  if (result.ackLatency) out.push(line('ack', result.ackLatency.percentiles));
  if (result.connectLatency) out.push(line('connect', result.connectLatency.percentiles));
  for (const verdict of result.delivery) {
    out.push(
      `QoS ${verdict.qos}     expected ${verdict.expected}  received ${verdict.received}  lost ${verdict.lost}  duplicated ${verdict.duplicated}  out of order ${verdict.outOfOrder}  ${verdict.ok ? 'ok' : 'FAILED'}`,
    );
  }
  const g = result.generator;
  out.push(
    `generator cpu ${g.cpuPercent}%  workers ${g.workers}  event-loop lag p99 ${g.eventLoopLagP99Ms}ms  schedule overrun ${g.scheduleOverrunMs}ms${g.saturated ? '  SATURATED (schedule not kept)' : ''}`,
  );
  if (result.connections)
    out.push(
      `conns     connected ${result.connections.connected}/${result.connections.attempted}  failed ${result.connections.failed}  peak ${result.connections.peak}`,
    );
  if (result.broker)
    out.push(
      `broker    cpu ${result.broker.cpuPercent}%  rss max ${(result.broker.rssMaxBytes / 1048576).toFixed(1)} MiB`,
    );
  for (const threshold of result.thresholds)
    out.push(
      `threshold ${threshold.ok ? 'ok  ' : 'FAIL'} ${threshold.expression} (actual ${threshold.actual})`,
    );
  for (const message of result.errorMessages ?? []) out.push(`error     ${message}`);
  return `${out.join('\n')}\n`;
}
