// Topic templates and the subscriber-matching relation used to compute expected deliveries.
// Matching is wire's (the one implementation, shared with the broker).
import { topicMatches } from '../../wire/index.js';

/** Expand `{prefix}` / `${prefix}`, `%i` (index in the group) and `%c` (client id). */
export function expandTemplate(template: string, prefix: string, index: number, clientId: string): string {
  return template
    .replaceAll('${prefix}', prefix)
    .replaceAll('{prefix}', prefix)
    .replaceAll('%i', String(index))
    .replaceAll('%c', clientId);
}

export interface Receiver {
  /** Delivery-tracking key: one per subscriber, or one per $share group and filter. */
  key: string;
  filter: string;
  qos: 0 | 1 | 2;
}

/**
 * For each publisher topic, the receivers that should get its messages. Exact filters go through a
 * map; only wildcard filters are tested against every topic.
 */
export function matchReceivers(topics: readonly string[], receivers: readonly Receiver[]): Receiver[][] {
  const exact = new Map<string, Receiver[]>();
  const wildcard: Receiver[] = [];
  const seen = new Set<string>();
  for (const receiver of receivers) {
    if (seen.has(receiver.key)) continue; // a share group counts once
    seen.add(receiver.key);
    if (receiver.filter.includes('+') || receiver.filter.includes('#')) wildcard.push(receiver);
    else exact.set(receiver.filter, [...(exact.get(receiver.filter) ?? []), receiver]);
  }
  return topics.map((topic) => [
    ...(exact.get(topic) ?? []),
    ...wildcard.filter((receiver) => topicMatches(receiver.filter, topic)),
  ]);
}
