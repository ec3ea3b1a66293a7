// Topic pattern checks for the ACL: does a pattern (with + and #) match a topic name, and does it
// cover every topic a subscription filter can match. A pattern that starts with a wildcard never
// reaches '$' topics, the same rule subscriptions follow [MQTT-4.7.2-1].

function startsWithWildcard(levels: readonly string[]): boolean {
  return levels[0] === '+' || levels[0] === '#';
}

/** True when `topic` (a topic name, no wildcards) is matched by `pattern`. */
export function patternMatchesTopic(pattern: string, topic: string): boolean {
  const p = pattern.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && startsWithWildcard(p)) return false;
  for (let i = 0; i < p.length; i++) {
    const level = p[i];
    if (level === '#') return true;
    const actual = t[i];
    if (actual === undefined) return false;
    if (level !== '+' && level !== actual) return false;
  }
  return p.length === t.length;
}

/** True when every topic that `filter` can match is also matched by `pattern`. */
export function patternCoversFilter(pattern: string, filter: string): boolean {
  const p = pattern.split('/');
  const f = filter.split('/');
  if (filter.startsWith('$') && startsWithWildcard(p)) return false;
  for (let i = 0; i < p.length; i++) {
    const level = p[i];
    if (level === '#') return true; // '#' also matches the parent level [MQTT-4.7.1-2]
    const wanted = f[i];
    if (wanted === undefined || wanted === '#') return false;
    if (level === '+') continue; // covers a literal level and '+'
    if (level !== wanted) return false;
  }
  return p.length === f.length;
}

/** '$share/group/filter' → 'filter' (access is decided on the filter, not the group). */
export function stripSharePrefix(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? filter : rest.slice(slash + 1);
}
