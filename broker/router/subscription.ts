// A stored subscription of one session. `filter` is the filter as the client wrote it (with any
// `$share/group/` prefix); `topicFilter` is the part matched against topic names.
import type { QoS } from '../../wire/types.js';

export interface Subscription {
  clientId: string;
  filter: string;
  topicFilter: string;
  shareGroup: string | undefined;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  subscriptionId: number | undefined;
}

/** One message to hand to one session, after overlapping subscriptions were merged. */
export interface Delivery {
  clientId: string;
  qos: QoS;
  retainAsPublished: boolean;
  subscriptionIds: number[];
}

/** `$share/{group}/{filter}`; undefined when the filter is not a (well-formed) shared one. */
export function splitSharedFilter(filter: string): { group: string; topicFilter: string } | undefined {
  if (!filter.startsWith('$share/')) return undefined;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const group = rest.slice(0, slash);
  // [MQTT-4.8.2-1] [MQTT-4.8.2-2] the share name holds no '/', '+' or '#'.
  if (group.includes('+') || group.includes('#')) return undefined;
  const topicFilter = rest.slice(slash + 1);
  if (topicFilter.length === 0) return undefined;
  return { group, topicFilter };
}
