// The proxy backend against real sockets: a real Mosquitto for round trips, a TCP echo server for the
// byte-level toxics.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProfile, parseProfile, type AppliedProfile } from '../../harness/network/index.js';
import type { Endpoint } from '../../harness/targets/types.js';
import {
  isRefused,
  median,
  mqttSession,
  open,
  pingRtts,
  startEcho,
  startMosquitto,
  type Mosquitto,
} from './helpers.js';

let mosquitto: Mosquitto;
beforeAll(async () => {
  mosquitto = await startMosquitto();
});
afterAll(async () => mosquitto?.stop());

const tcp = (port: number): Endpoint => ({ transport: 'tcp', host: '127.0.0.1', port });
const profile = (yaml: string) => parseProfile(`name: test\n${yaml}`, 'inline.yaml');

async function withProfile<T>(
  yaml: string,
  port: number,
  fn: (applied: AppliedProfile) => Promise<T>,
): Promise<T> {
  const applied = await applyProfile(profile(yaml), tcp(port), { cwd: process.cwd() });
  try {
    return await fn(applied);
  } finally {
    await applied.close();
  }
}

/** Runs a measurement, and once more if the first did not meet the tolerance (noisy shared machine). */
async function retryOnce<T>(
  measure: () => Promise<T>,
  ok: (value: T) => boolean,
): Promise<{ value: T; attempts: number; first: T }> {
  const first = await measure();
  if (ok(first)) return { value: first, attempts: 1, first };
  return { value: await measure(), attempts: 2, first };
}

describe('latency', () => {
  it('adds the set latency to MQTT round trips (p50 within ±2 ms) and info() measures it', async () => {
    const oneWay = 10;
    // Direct and proxied round trips alternate, so both see the same load on this shared machine;
    // each direct ping follows the ~20 ms idle of a proxied one, as the broker does behind the proxy.
    const { value, attempts, first } = await retryOnce(
      () =>
        withProfile(
          `toxics:\n  - { type: latency, attributes: { latency: ${oneWay} } }\n`,
          mosquitto.port,
          async (applied) => {
            const direct = await mqttSession(mosquitto.port);
            const proxied = await mqttSession(applied.endpoint.port);
            const base: number[] = [];
            const through: number[] = [];
            await pingRtts(proxied, 5); // warm-up (JIT, the proxy's timer-lag estimate)
            for (let i = 0; i < 50; i++) {
              through.push(...(await pingRtts(proxied, 1)));
              base.push(...(await pingRtts(direct, 1)));
            }
            direct.socket.destroy();
            proxied.socket.destroy();
            const stats = applied.proxy.stats.snapshot();
            return {
              added: median(through) - median(base),
              info: applied.info(),
              lateness: stats.latenessMs,
            };
          },
        ),
      (v) => Math.abs(v.added - 2 * oneWay) <= 2,
    );
    if (attempts > 1) {
      console.warn(
        `latency: set ${2 * oneWay} ms RTT; first attempt added ${first.added.toFixed(2)} ms (timer lateness p50 ${first.lateness?.p50} ms), ` +
          `retry added ${value.added.toFixed(2)} ms (timer lateness p50 ${value.lateness?.p50} ms)`,
      );
    }
    expect(Math.abs(value.added - 2 * oneWay)).toBeLessThanOrEqual(2);
    const rtt = value.info.measured?.rttMs;
    expect(value.info.measured?.rttSamples).toBeGreaterThanOrEqual(55); // CONNECT + 55 pings
    expect(rtt!.p50).toBeGreaterThanOrEqual(2 * oneWay - 2);
    expect(rtt!.p50).toBeLessThanOrEqual(value.added + 2); // the proxy sees what the client sees, minus loopback hops
  });

  it('keeps order with jitter larger than the gap between writes', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: latency, stream: upstream, attributes: { latency: 5, jitter: 5, distribution: uniform } }\n`,
      echo.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        const sent = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
        for (let i = 0; i < sent.length; i++) {
          socket.write(sent.subarray(i, i + 1));
          if (i % 20 === 0) await new Promise((r) => setImmediate(r));
        }
        expect((await reader.waitFor(sent.length)).equals(sent)).toBe(true);
        socket.destroy();
      },
    );
    await echo.close();
  });
});

describe('bandwidth', () => {
  it('limits a bulk transfer to the rate (±10%)', async () => {
    const rate = 1000; // KB/s
    const size = 1_200_000;
    const echo = await startEcho(Buffer.alloc(size, 7));
    const { value } = await retryOnce(
      () =>
        withProfile(
          `toxics:\n  - { type: bandwidth, stream: downstream, attributes: { rate: ${rate} } }\n`,
          echo.port,
          async (applied) => {
            const { socket, reader } = await open(applied.endpoint.port);
            await reader.waitFor(1);
            const start = performance.now();
            await reader.waitFor(size - 1, 10_000);
            const seconds = (performance.now() - start) / 1000;
            socket.destroy();
            return (size - 1) / seconds / 1000;
          },
        ),
      (kbps) => Math.abs(kbps - rate) <= rate * 0.1,
    );
    await echo.close();
    expect(value).toBeGreaterThan(rate * 0.9);
    expect(value).toBeLessThan(rate * 1.1);
  });
});

describe('byte-level toxics', () => {
  it('slicer splits writes into small segments, bytes intact', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: slicer, stream: downstream, attributes: { average_size: 10, size_variation: 5, delay: 20000 } }\n`,
      echo.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        const chunks: number[] = [];
        socket.on('data', (d: Buffer) => chunks.push(d.length));
        const payload = Buffer.from('x'.repeat(100));
        const start = performance.now();
        socket.write(payload);
        expect((await reader.waitFor(100)).equals(payload)).toBe(true);
        // ≥ 7 segments 20 ms apart; a very late timer may merge two, so count loosely.
        expect(chunks.length).toBeGreaterThanOrEqual(4);
        expect(performance.now() - start).toBeGreaterThanOrEqual(6 * 20 - 2);
        socket.destroy();
      },
    );
    await echo.close();
  });

  it('limit_data closes the connection after exactly N bytes', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: limit_data, stream: downstream, attributes: { bytes: 25 } }\n`,
      echo.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        socket.write(Buffer.alloc(10, 1));
        await reader.waitFor(10);
        socket.write(Buffer.alloc(30, 2));
        await reader.waitClosed();
        expect(reader.buffer.length).toBe(15);
        expect(reader.error).toBeUndefined(); // orderly close, not a reset
      },
    );
    await echo.close();
  });

  it('reset_peer after N bytes sends a TCP RST', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: reset_peer, stream: upstream, attributes: { bytes: 5 } }\n`,
      echo.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        socket.write(Buffer.alloc(8, 1));
        await reader.waitClosed();
        expect((reader.error as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
        expect(echo.received()).toBe(5);
      },
    );
    await echo.close();
  });

  it('reset_peer with a timeout resets the connection at that time', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: reset_peer, attributes: { timeout: 150 } }\n`,
      echo.port,
      async (applied) => {
        const start = performance.now();
        const { reader } = await open(applied.endpoint.port);
        await reader.waitClosed();
        expect(performance.now() - start).toBeGreaterThanOrEqual(140);
        expect((reader.error as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
      },
    );
    await echo.close();
  });

  it('blackhole keeps the connection open while nothing flows (half-open)', async () => {
    await withProfile(
      `toxics:\n  - { type: blackhole, stream: downstream }\n`,
      mosquitto.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        socket.write(Buffer.from('100c00044d5154540402003c0000', 'hex'));
        await expect(reader.waitFor(1, 300)).rejects.toThrow(/timeout/);
        expect(reader.closed).toBe(false);
        expect(applied.proxy.openConnections).toBe(1);
        socket.destroy();
      },
    );
  });

  it('timeout drops data and closes after the timeout', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: timeout, attributes: { timeout: 200 } }\n`,
      echo.port,
      async (applied) => {
        const start = performance.now();
        const { socket, reader } = await open(applied.endpoint.port);
        socket.write('hello');
        await reader.waitClosed();
        expect(performance.now() - start).toBeGreaterThanOrEqual(190);
        expect(reader.buffer.length).toBe(0);
        expect(echo.received()).toBe(0);
      },
    );
    await echo.close();
  });

  it('slow_close delays the close by the delay', async () => {
    const echo = await startEcho(Buffer.from('bye'));
    await withProfile(
      `toxics:\n  - { type: slow_close, stream: downstream, attributes: { delay: 200 } }\n`,
      echo.port,
      async (applied) => {
        const { reader } = await open(applied.endpoint.port);
        await reader.waitFor(3);
        const start = performance.now();
        await echo.close(); // the server goes away: its FIN reaches the client 200 ms later
        await reader.waitClosed();
        expect(performance.now() - start).toBeGreaterThanOrEqual(190);
      },
    );
  });
});

describe('schedule and toxicity', () => {
  it('a stall window holds data and releases it when the window ends', async () => {
    const echo = await startEcho();
    await withProfile(
      `toxics:\n  - { type: stall, stream: upstream, schedule: { from: 0, for: 300 } }\n`,
      echo.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        const start = performance.now();
        socket.write('held');
        await reader.waitFor(4, 2_000);
        const elapsed = performance.now() - start;
        expect(elapsed).toBeGreaterThanOrEqual(250);
        socket.write('free');
        const t2 = performance.now();
        await reader.waitFor(4, 2_000);
        expect(performance.now() - t2).toBeLessThan(250); // after the window nothing is held
        socket.destroy();
      },
    );
    await echo.close();
  });

  it('latency changes on schedule during a run', async () => {
    await withProfile(
      'toxics:\n  - { type: latency, attributes: { latency: 30 }, schedule: { until: 400 } }\n',
      mosquitto.port,
      async (applied) => {
        const client = await mqttSession(applied.endpoint.port);
        const early = median(await pingRtts(client, 3));
        await new Promise((r) => setTimeout(r, Math.max(0, 450 - early * 4)));
        const late = median(await pingRtts(client, 5));
        expect(early).toBeGreaterThanOrEqual(55);
        expect(late).toBeLessThan(early / 2);
        client.socket.destroy();
      },
    );
  });

  it('toxicity 0 never applies a toxic, 1 always does', async () => {
    for (const [toxicity, expectData] of [
      [0, true],
      [1, false],
    ] as const) {
      await withProfile(
        `toxics:\n  - { type: blackhole, toxicity: ${toxicity} }\n`,
        mosquitto.port,
        async (applied) => {
          const { socket, reader } = await open(applied.endpoint.port);
          socket.write(Buffer.from('100c00044d5154540402003c0000', 'hex'));
          if (expectData) await reader.waitFor(4);
          else await expect(reader.waitFor(1, 200)).rejects.toThrow(/timeout/);
          socket.destroy();
        },
      );
    }
  });
});

describe('cleanup', () => {
  it('close() stops the listener and ends open connections', async () => {
    const applied = await applyProfile('lan', tcp(mosquitto.port), { cwd: process.cwd() });
    const client = await mqttSession(applied.endpoint.port);
    await applied.close();
    await client.reader.waitClosed();
    expect(await isRefused(applied.endpoint.port)).toBe(true);
    expect(applied.proxy.openConnections).toBe(0);
  });

  it('an aborted signal closes the proxy', async () => {
    const controller = new AbortController();
    const applied = await applyProfile('wifi', tcp(mosquitto.port), {
      cwd: process.cwd(),
      signal: controller.signal,
    });
    controller.abort();
    await applied.close(); // same promise as the abort handler's
    expect(await isRefused(applied.endpoint.port)).toBe(true);
  });

  it('a target that dies closes the client side too', async () => {
    const echo = await startEcho();
    const applied = await applyProfile(profile('toxics: []\n'), tcp(echo.port), { cwd: process.cwd() });
    const { reader } = await open(applied.endpoint.port);
    await echo.close();
    await reader.waitClosed();
    await applied.close();
    expect(await isRefused(applied.endpoint.port)).toBe(true);
  });
});
