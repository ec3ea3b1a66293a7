// A network profile on a target pool applies to every endpoint: each broker of the pool is reached
// through its own proxy, so every client of a load pays the profile's delay, whichever endpoint it
// is spread to (before, only the first endpoint was proxied).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadScenario } from '../../harness/load/index.js';
import { applyProfile, type AppliedProfile } from '../../harness/network/index.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { parseEndpoint } from '../../harness/targets/url.js';
import { startMosquitto } from '../load/mosquitto.js';

describe('a network profile on a pool of two brokers', () => {
  let brokers: StartedTarget[] = [];
  let applied: AppliedProfile | undefined;
  beforeAll(async () => {
    brokers = await Promise.all([startMosquitto(), startMosquitto()]);
  });
  afterAll(async () => {
    await applied?.close();
    await Promise.all(brokers.map((broker) => broker.stop()));
  });

  it('puts a proxy in front of every endpoint and every client goes through one', async () => {
    const [a, b] = brokers as [StartedTarget, StartedTarget];
    const upstream = parseEndpoint({
      url: `mqtt://127.0.0.1:${a.endpoint.port},127.0.0.1:${b.endpoint.port}`,
    });
    // 3g: 100 ms (± 25) each way, so every CONNECT → CONNACK through it takes well over 100 ms.
    applied = await applyProfile('3g', upstream, { cwd: process.cwd() });
    const pool = applied.endpoint.pool ?? [];
    expect(pool).toHaveLength(2);
    const proxied = pool.map(({ port }) => port);
    expect(proxied).not.toContain(a.endpoint.port);
    expect(proxied).not.toContain(b.endpoint.port);
    expect(new Set(proxied).size).toBe(2);
    expect(applied.endpoint.port).toBe(proxied[0]);

    const done = await applied.watch();
    const result = await runLoadScenario(
      { executor: 'connection-storm', connections: 6, connectRate: 0, hold: 200, workers: 0 },
      {
        endpoint: applied.endpoint,
        target: a,
        profile: '3g',
        mqttVersion: '3.1.1',
        signal: AbortSignal.timeout(30_000),
        name: 'pool-profile',
      },
    );
    const check = await done();
    expect(result.connections).toMatchObject({ attempted: 6, connected: 6, failed: 0 });
    // Both proxied endpoints carried their share of the clients...
    expect(result.endpoints?.map(({ endpoint, connected }) => ({ endpoint, connected }))).toEqual(
      pool.map(({ host, port }) => ({ endpoint: `${host}:${port}`, connected: 3 })),
    );
    // ...and the connects paid the profile's delay (an unproxied endpoint answers in a few ms). A
    // CONNECT → CONNACK through 3g takes N(100, 25) ms each way: N(200, 35.4) in all, below 100 ms with
    // chance Φ(-2.83) = 0.0023, so "the fastest of 6 above 100 ms" failed about one run in 70 by
    // design. Instead: the median (3rd fastest of 6, HDR) above 100 ms fails by chance only if 3 of 6
    // are below, C(6,3)·0.0023³ ≈ 2.6e-7; none below 10 ms (no connect bypassed the proxy) fails by
    // chance 6·Φ(-5.37) ≈ 2.4e-7. A pool whose second endpoint is not proxied has 3 of 6 connects
    // at loopback speed: its median is one of them.
    expect(result.connectLatency?.percentiles.p50).toBeGreaterThan(100_000);
    expect(result.connectLatency?.percentiles.min).toBeGreaterThan(10_000);
    // The check saw the round trips of both proxies (3 CONNECTs each).
    expect(check.rttSamples).toBeGreaterThanOrEqual(6);
  });
});
