// Target pools: endpoint lists parse into one pool, clients spread over it, and a load against two
// real brokers reports figures per endpoint that add up to the overall ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadScenario } from '../../harness/load/index.js';
import { endpointFor, splitEndpointList } from '../../harness/targets/pool.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { parseEndpoint } from '../../harness/targets/url.js';
import { startMosquitto } from '../load/mosquitto.js';

describe('endpoint lists', () => {
  it('splits a URL listing hosts, keeping scheme, credentials and path', () => {
    expect(splitEndpointList('mqtt://u:p@h1:1883,h2:1884,h3')).toEqual([
      'mqtt://u:p@h1:1883',
      'mqtt://u:p@h2:1884',
      'mqtt://u:p@h3',
    ]);
    expect(splitEndpointList('ws://a:80,b:81/mqtt')).toEqual(['ws://a:80/mqtt', 'ws://b:81/mqtt']);
    expect(splitEndpointList('mqtt://h:1883')).toEqual(['mqtt://h:1883']);
    expect(() => splitEndpointList('mqtt://h1,,h2')).toThrow(/empty endpoint/);
  });

  it('makes a pool endpoint from a list or from `endpoints`', () => {
    const listed = parseEndpoint({ url: 'mqtt://h1:1,h2:2' });
    expect(listed).toMatchObject({ host: 'h1', port: 1, spread: 'round-robin' });
    expect(listed.pool?.map((e) => `${e.host}:${e.port}`)).toEqual(['h1:1', 'h2:2']);
    const configured = parseEndpoint({ url: 'mqtt://h1:1', endpoints: ['mqtt://h3:3'], spread: 'hash' });
    expect(configured.pool?.map((e) => e.port)).toEqual([1, 3]);
    expect(configured.spread).toBe('hash');
    expect(() => parseEndpoint({ url: 'mqtt://h1:1,h2:2', endpoints: ['ws://h3:3'] })).toThrow(/one scheme/);
  });

  it('spreads round-robin by ordinal or by a hash of the client id', () => {
    expect([0, 1, 2, 3, 4].map((n) => endpointFor('round-robin', n, `c${n}`, 3))).toEqual([0, 1, 2, 0, 1]);
    const hashed = Array.from({ length: 300 }, (_, n) => endpointFor('hash', 0, `client-${n}`, 3));
    for (const index of [0, 1, 2]) expect(hashed.filter((e) => e === index).length).toBeGreaterThan(50);
    expect(endpointFor('hash', 0, 'same', 3)).toBe(endpointFor('hash', 9, 'same', 3));
  });
});

describe('a load against a pool of two brokers', () => {
  let brokers: StartedTarget[] = [];
  beforeAll(async () => {
    brokers = await Promise.all([startMosquitto(), startMosquitto()]);
  });
  afterAll(async () => {
    await Promise.all(brokers.map((broker) => broker.stop()));
  });

  it('reports each endpoint, and the endpoints add up to the whole', async () => {
    const [a, b] = brokers as [StartedTarget, StartedTarget];
    const endpoint = parseEndpoint({
      url: `mqtt://127.0.0.1:${a.endpoint.port},127.0.0.1:${b.endpoint.port}`,
    });
    // Pairs: subscriber i is client i, publisher i is client 4 + i: round-robin over two endpoints
    // puts each pair on one broker (these two brokers are not a cluster).
    const result = await runLoadScenario(
      {
        executor: 'constant-arrival-rate',
        warmup: 0, // exact counts: no warm-up (test/load/warmup.test.ts covers it)
        rate: 100,
        duration: '1s',
        workers: 0,
        publishers: { count: 4, topic: '{prefix}/t/%i', qos: 1 },
        subscribers: { count: 4, topic: '{prefix}/t/%i', qos: 1 },
      },
      {
        endpoint,
        target: a,
        profile: 'none',
        mqttVersion: '5.0',
        signal: new AbortController().signal,
        name: 'pool',
      },
    );
    expect(result.endpoints).toHaveLength(2);
    expect(result.endpoints?.map((e) => e.endpoint)).toEqual([
      `127.0.0.1:${a.endpoint.port}`,
      `127.0.0.1:${b.endpoint.port}`,
    ]);
    for (const figures of result.endpoints ?? [])
      expect(figures).toMatchObject({ clients: 4, connected: 4, failed: 0 });
    expect(result.endpoints?.reduce((sum, e) => sum + e.sent, 0)).toBe(result.sent);
    expect(result.endpoints?.reduce((sum, e) => sum + e.received, 0)).toBe(result.received);
    expect(result.endpoints?.every((e) => e.sent === 50 && e.received === 50)).toBe(true);
    expect(result.delivery).toEqual([
      { qos: 1, expected: 100, received: 100, lost: 0, duplicated: 0, outOfOrder: 0, ok: true },
    ]);
  }, 120_000);
});
