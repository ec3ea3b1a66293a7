// Topic names, topic filters and matching (section 4.7).

/** Returns undefined when `name` is a valid topic name, else the id of the statement it breaks. */
export function validateTopicName(name: string): string | undefined {
  if (name.length === 0) return 'MQTT-4.7.3-1';
  if (name.includes('\u0000')) return 'MQTT-4.7.3-2';
  if (name.includes('+') || name.includes('#')) return 'MQTT-3.3.2-2';
  if (Buffer.byteLength(name, 'utf8') > 65_535) return 'MQTT-4.7.3-3';
  return undefined;
}

/**
 * Returns undefined when `filter` is a valid topic filter, else the id of the statement it breaks
 * (the 3.1.1 and 5.0 ids agree for these rules except '+', which is [MQTT-4.7.1-2] in 5.0 and
 * [MQTT-4.7.1-3] in 3.1.1: the 5.0 id is returned). '$share/{group}/{filter}' must name a group without
 * wildcards and a filter (5.0 [MQTT-4.8.2-1], [MQTT-4.8.2-2]); pass `shared: false` for 3.1.1, where such a
 * filter is an ordinary one.
 */
export function validateTopicFilter(filter: string, options: { shared?: boolean } = {}): string | undefined {
  if (filter.length === 0) return 'MQTT-4.7.3-1';
  if (filter.includes('\u0000')) return 'MQTT-4.7.3-2';
  if (Buffer.byteLength(filter, 'utf8') > 65_535) return 'MQTT-4.7.3-3';
  let body = filter;
  if (options.shared !== false && filter.startsWith('$share/')) {
    const rest = filter.slice(7);
    const slash = rest.indexOf('/');
    const group = slash < 0 ? rest : rest.slice(0, slash);
    if (group.includes('+') || group.includes('#')) return 'MQTT-4.8.2-2';
    if (slash <= 0 || slash === rest.length - 1) return 'MQTT-4.8.2-1';
    body = rest.slice(slash + 1);
  }
  const levels = body.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return 'MQTT-4.7.1-1';
    if (level.includes('+') && level !== '+') return 'MQTT-4.7.1-2';
  }
  return undefined;
}

/**
 * Splits '$share/{group}/{filter}'. Undefined when `filter` is not shared, or when the group is empty,
 * contains a wildcard, or no filter follows it.
 */
export function parseSharedFilter(filter: string): { group: string; filter: string } | undefined {
  if (!filter.startsWith('$share/')) return undefined;
  const rest = filter.slice(7);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const group = rest.slice(0, slash);
  const inner = rest.slice(slash + 1);
  if (group.includes('+') || group.includes('#') || inner.length === 0) return undefined;
  return { group, filter: inner };
}

export interface MatchOptions {
  /**
   * [MQTT-4.7.2-1] a filter starting with a wildcard does not match a topic starting with '$'.
   * Default true; false only to model a broker that breaks the rule (the broker's test mutations).
   */
  dollarRule?: boolean;
}

/**
 * Whether `topic` matches `filter` (both assumed valid; a shared filter is matched by its inner filter).
 * Topics starting with '$' are not matched by a filter starting with a wildcard [MQTT-4.7.2-1].
 * 'sport/#' matches 'sport' too, since '#' includes the parent level [MQTT-4.7.1-2].
 * The one implementation of topic matching: the broker (retained messages, ACL patterns) and the
 * harness (expected deliveries) both use it.
 */
export function topicMatches(filter: string, topic: string, options?: MatchOptions): boolean {
  let f = filter;
  if (f.startsWith('$share/')) {
    const shared = parseSharedFilter(f);
    if (shared === undefined) return false;
    f = shared.filter;
  }
  if (options?.dollarRule !== false && topic.startsWith('$') && (f.startsWith('+') || f.startsWith('#')))
    return false;
  const fl = f.split('/');
  const tl = topic.split('/');
  for (let i = 0; i < fl.length; i++) {
    const level = fl[i]!;
    if (level === '#') return true;
    if (i >= tl.length) return false;
    if (level !== '+' && level !== tl[i]) return false;
  }
  return fl.length === tl.length;
}

/**
 * Whether every topic name `inner` (a filter) can match is also matched by `outer` (a filter):
 * 'sensors/#' covers 'sensors/+/temp', not the reverse. Used to decide a subscription against a
 * readable pattern. A leading wildcard in `outer` never covers '$' topics [MQTT-4.7.2-1].
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const f = inner.split('/');
  if (inner.startsWith('$') && (o[0] === '+' || o[0] === '#')) return false;
  for (let i = 0; i < o.length; i++) {
    const level = o[i];
    if (level === '#') return true; // '#' also matches the parent level [MQTT-4.7.1-2]
    const wanted = f[i];
    if (wanted === undefined || wanted === '#') return false;
    if (level === '+') continue; // covers a literal level and '+'
    if (level !== wanted) return false;
  }
  return o.length === f.length;
}
