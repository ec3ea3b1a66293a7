import { describe, expect, it } from 'vitest';
import { Router } from '../../../broker/router/index.js';
import { topicMatches as filterMatches } from '../../../wire/index.js';
import type { Subscription } from '../../../broker/router/index.js';

function sub(clientId: string, filter: string, fields: Partial<Subscription> = {}): Subscription {
  const shared = /^\$share\/([^/]+)\/(.+)$/.exec(filter);
  return {
    clientId,
    filter,
    topicFilter: shared?.[2] ?? filter,
    shareGroup: shared?.[1],
    qos: 0,
    noLocal: false,
    retainAsPublished: false,
    retainHandling: 0,
    subscriptionId: undefined,
    ...fields,
  };
}

const routeOptions = {
  publisherId: undefined,
  isOnline: () => true,
  dollarRule: true,
  ignoreNoLocal: false,
  lowestQoSOnOverlap: false,
  sharedToAll: false,
};

describe('filterMatches', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'a/b', true],
    ['+/+', '/x', true],
    ['+', '', true],
    ['#', '$SYS/x', false],
    ['+/x', '$a/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['a/b', 'a/B', false],
  ])('%s vs %s → %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });
});

describe('Router', () => {
  it('matches the same way as filterMatches', () => {
    const filters = ['a/b', 'a/+', 'a/#', '#', '+/+', '+', '$SYS/#', '+/b/#', 'a/+/c'];
    const topics = ['a/b', 'a', 'a/b/c', '$SYS/x', 'x/b/y', '/b', 'q'];
    const router = new Router();
    filters.forEach((filter, i) => router.add(sub(`c${i}`, filter)));
    for (const topic of topics) {
      const got = router
        .route(topic, routeOptions)
        .map((d) => d.clientId)
        .sort();
      const expected = filters.flatMap((filter, i) => (filterMatches(filter, topic) ? [`c${i}`] : [])).sort();
      expect(got, topic).toEqual(expected);
    }
  });

  it('merges overlapping subscriptions of one client: highest QoS, all identifiers', () => {
    const router = new Router();
    router.add(sub('c', 'a/#', { qos: 1, subscriptionId: 1 }));
    router.add(sub('c', 'a/+', { qos: 2, subscriptionId: 2 }));
    router.add(sub('c', 'a/b', { qos: 0 }));
    expect(router.route('a/b', routeOptions)).toEqual([
      { clientId: 'c', qos: 2, retainAsPublished: false, subscriptionIds: [1, 2] },
    ]);
  });

  it('removes subscriptions and prunes the tree', () => {
    const router = new Router();
    router.add(sub('c', 'a/b/c'));
    expect(router.size).toBe(1);
    expect(router.remove(sub('c', 'a/b/c'))).toBe(true);
    expect(router.remove(sub('c', 'a/b/c'))).toBe(false);
    expect(router.size).toBe(0);
    expect(router.route('a/b/c', routeOptions)).toEqual([]);
  });

  it('shared groups: one member per message, round robin, preferring online members', () => {
    const router = new Router();
    router.add(sub('x', '$share/g/t'));
    router.add(sub('y', '$share/g/t'));
    router.add(sub('z', '$share/h/t'));
    const picks = [1, 2, 3, 4].map(() =>
      router
        .route('t', routeOptions)
        .map((d) => d.clientId)
        .sort()
        .join(','),
    );
    expect(picks).toEqual(['x,z', 'y,z', 'x,z', 'y,z']);
    const offlineY = { ...routeOptions, isOnline: (id: string) => id !== 'y' };
    expect(
      router
        .route('t', offlineY)
        .map((d) => d.clientId)
        .sort(),
    ).toEqual(['x', 'z']);
  });

  it('no local skips the publisher', () => {
    const router = new Router();
    router.add(sub('me', 't', { noLocal: true }));
    expect(router.route('t', { ...routeOptions, publisherId: 'me' })).toEqual([]);
    expect(router.route('t', { ...routeOptions, publisherId: 'other' })).toHaveLength(1);
  });
});
