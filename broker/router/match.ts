// One filter against one topic name (used for retained messages, where the topic is the key).

/** [MQTT-4.7.2-1] unless `dollarRule` is false: a leading wildcard does not match a '$' topic. */
export function filterMatches(filter: string, topic: string, dollarRule = true): boolean {
  if (dollarRule && topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
