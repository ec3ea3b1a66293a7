import { describe, expect, it } from 'vitest';
import {
  filterCovers,
  parseSharedFilter,
  topicMatches,
  validateTopicFilter,
  validateTopicName,
} from '../../wire/index.js';

describe('topicMatches', () => {
  const table: [filter: string, topic: string, matches: boolean][] = [
    ['sport/tennis/player1', 'sport/tennis/player1', true],
    ['sport/tennis/player1', 'sport/tennis/player2', false],
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['sport/#', 'sports', false],
    ['#', 'sport/tennis', true],
    ['#', '/', true],
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['+', 'finance', true],
    ['+/tennis/#', 'sport/tennis', true],
    ['a/b', 'a/b/', false],
    ['a//b', 'a//b', true],
    ['a/+/b', 'a//b', true],
    ['A/b', 'a/b', false],
    ['#', '$SYS/broker', false],
    ['+/broker', '$SYS/broker', false],
    ['$SYS/#', '$SYS/broker', true],
    ['$SYS/+', '$SYS/broker', true],
    ['$SYS', '$SYS', true],
    ['#', 'a$/b', true],
    ['$share/g/sport/#', 'sport/tennis', true],
    ['$share/g/+', 'a', true],
    ['$share/g/#', '$SYS/x', false],
    ['$share/g/a', 'b', false],
  ];
  it.each(table)('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('topicMatches with dollarRule: false (a broker breaking [MQTT-4.7.2-1])', () => {
  it.each([
    ['#', '$SYS/broker', true],
    ['+/broker', '$SYS/broker', true],
    ['+/x', '$SYS/broker', false],
  ] as const)('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic, { dollarRule: false })).toBe(expected);
  });
});

describe('filterCovers', () => {
  it.each([
    ['sensors/#', 'sensors/+/temp', true],
    ['sensors/#', 'sensors', true],
    ['sensors/+/temp', 'sensors/#', false],
    ['sensors/+/temp', 'sensors/kitchen/temp', true],
    ['sensors/+', 'sensors/+', true],
    ['sensors/kitchen', 'sensors/+', false],
    ['#', '$SYS/#', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['a/b', 'a/b/c', false],
  ] as const)('%s covers %s -> %s', (outer, inner, expected) => {
    expect(filterCovers(outer, inner)).toBe(expected);
  });
});

describe('validateTopicName', () => {
  it.each([
    ['a/b', undefined],
    ['/', undefined],
    ['$SYS/x', undefined],
    ['', 'MQTT-4.7.3-1'],
    ['a/+', 'MQTT-3.3.2-2'],
    ['a/#', 'MQTT-3.3.2-2'],
    ['a\u0000b', 'MQTT-4.7.3-2'],
    ['x'.repeat(65_536), 'MQTT-4.7.3-3'],
  ] as const)('%j -> %s', (name, expected) => {
    expect(validateTopicName(name)).toBe(expected);
  });
});

describe('validateTopicFilter', () => {
  it.each([
    ['#', undefined],
    ['+', undefined],
    ['sport/#', undefined],
    ['+/tennis/#', undefined],
    ['sport/+/player1', undefined],
    ['/+', undefined],
    ['', 'MQTT-4.7.3-1'],
    ['sport/tennis#', 'MQTT-4.7.1-1'],
    ['sport/tennis/#/ranking', 'MQTT-4.7.1-1'],
    ['sport+', 'MQTT-4.7.1-2'],
    ['a\u0000', 'MQTT-4.7.3-2'],
    ['$share/g/a/#', undefined],
    ['$share/g', 'MQTT-4.8.2-1'],
    ['$share//a', 'MQTT-4.8.2-1'],
    ['$share/g/', 'MQTT-4.8.2-1'],
    ['$share/g+/a', 'MQTT-4.8.2-2'],
    ['$share/#/a', 'MQTT-4.8.2-2'],
    ['$share/g/a#', 'MQTT-4.7.1-1'],
  ] as const)('%j -> %s', (filter, expected) => {
    expect(validateTopicFilter(filter)).toBe(expected);
  });

  it('treats $share as an ordinary level when shared subscriptions are off (3.1.1)', () => {
    expect(validateTopicFilter('$share/g', { shared: false })).toBeUndefined();
  });
});

describe('parseSharedFilter', () => {
  it('splits group and filter', () => {
    expect(parseSharedFilter('$share/group/a/b/#')).toEqual({ group: 'group', filter: 'a/b/#' });
    expect(parseSharedFilter('a/b')).toBeUndefined();
    expect(parseSharedFilter('$share/group')).toBeUndefined();
    expect(parseSharedFilter('$share/g+/a')).toBeUndefined();
  });
});
