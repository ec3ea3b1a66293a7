// Topic pattern checks for the ACL, on wire's topic algebra (the one implementation of matching):
// does a pattern match a topic name, does it cover every topic a subscription filter can match.
// A pattern that starts with a wildcard never reaches '$' topics, as for subscriptions [MQTT-4.7.2-1].
import { filterCovers, topicMatches } from '../../wire/index.js';

/** True when `topic` (a topic name, no wildcards) is matched by `pattern`. */
export function patternMatchesTopic(pattern: string, topic: string): boolean {
  return topicMatches(pattern, topic);
}

/** True when every topic that `filter` can match is also matched by `pattern`. */
export function patternCoversFilter(pattern: string, filter: string): boolean {
  return filterCovers(pattern, filter);
}

/** '$share/group/filter' → 'filter' (access is decided on the filter, not the group). */
export function stripSharePrefix(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? filter : rest.slice(slash + 1);
}
