// The evidence of a failed (or deviating) scenario as plain text lines: where it failed, what was
// expected, what arrived (decoded and hex). Console, Markdown and JUnit all print these lines.
import type { FailureEvidence, ReceivedPacket, ScenarioResult } from '../../result/index.js';
import { formatHex, formatMillis, formatValue } from './format.js';

export function evidenceLines(scenario: ScenarioResult): string[] {
  const lines: string[] = [];
  const failure = scenario.failure;
  if (!failure) {
    if (scenario.reason) lines.push(scenario.reason);
    return lines;
  }
  lines.push(failureHeadline(failure));
  lines.push(`  ${failure.message}`);
  if (scenario.reason && scenario.reason !== failure.message) lines.push(`  (${scenario.reason})`);
  if (failure.expected && failure.expected.length > 0) {
    lines.push(failure.expected.length === 1 ? '  expected:' : '  expected (one of):');
    for (const alternative of failure.expected) lines.push(`    - ${formatValue(alternative)}`);
  }
  if (failure.received !== undefined) {
    if (failure.received.length === 0) lines.push('  received: nothing');
    else {
      lines.push('  received:');
      for (const packet of failure.received) lines.push(...receivedLines(packet));
    }
  }
  return lines;
}

export function failureHeadline(failure: FailureEvidence): string {
  const parts = [`step ${failure.stepIndex + 1} (${failure.stepKind})`];
  if (failure.client) parts.push(`client ${failure.client}`);
  if (failure.location) parts.push(`at ${failure.location}`);
  if (failure.elapsedMs !== undefined) parts.push(`after ${formatMillis(failure.elapsedMs)}`);
  return parts.join(', ');
}

export function receivedLines(packet: ReceivedPacket): string[] {
  const at = `+${packet.atMs.toFixed(1)}ms`;
  const event = packet.event && packet.event !== 'packet' ? ` ${packet.event}` : '';
  const lines = [
    `    - ${at} ${packet.client}${event}${packet.decoded !== undefined ? ` ${formatValue(packet.decoded)}` : ''}`,
  ];
  if (packet.hex) lines.push(`      hex: ${formatHex(packet.hex)}`);
  if (packet.decodeError) lines.push(`      decode error: ${packet.decodeError}`);
  return lines;
}
