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
  until,
  startMosquitto,
  type Mosquitto,
} from './helpers.js';

let mosquitto: Mosquitto;
beforeAll(async () => {
  mosquitto = await startMosquitto();
}, 60_000); // starting Mosquitto on a busy machine: set-up, not a claim
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

// Timing claims that need a quiet machine (the added latency within ±2 ms of the setting, a bulk
// transfer at the rate within 10 %) are measured by `npm run bench:proxy`; these tests assert what
// holds however busy the machine is: the proxy never releases early, never passes more than the rate,
// and its own figures agree with what the client saw.
const EARLY_MS = 0.05; // the proxy writes a segment due within 50 µs at once (pipe.ts)

describe('latency', () => {
  it('never shortens a round trip below the set latency, and measures its own share of it', async () => {
    const oneWay = 10;
    let applied: AppliedProfile | undefined;
    const { through, added } = await withProfile(
      `toxics:\n  - { type: latency, attributes: { latency: ${oneWay} } }\n`,
      mosquitto.port,
      async (profile) => {
        applied = profile;
        const proxied = await mqttSession(profile.endpoint.port);
        const rtts = await pingRtts(proxied, 50);
        proxied.socket.destroy();
        return { through: rtts, added: (await profile.proxy.snapshot()).effect.addedRttMs };
      },
    );
    const floor = 2 * oneWay - 2 * EARLY_MS;
    expect(through).toHaveLength(50);
    expect(Math.min(...through)).toBeGreaterThanOrEqual(floor);
    // The proxy's share (answer time of the broker taken out) lies between the setting and what the
    // client saw; it is what a load's profile check compares with the nominal RTT.
    expect(added!.count).toBe(51); // CONNECT + 50 pings
    expect(added!.p50).toBeGreaterThanOrEqual(floor);
    // Each proxy span lies inside a client span; with the CONNECT among its 51 samples, the proxy's
    // median is at most the client's 26th smallest round trip.
    const clientBound = [...through].sort((a, b) => a - b)[25]! + 0.001;
    expect(added!.p50).toBeLessThanOrEqual(clientBound);
    const info = applied!.info(); // complete once the profile is closed
    expect(info.measured?.rttSamples).toBe(51);
    expect(info.measured!.rttMs!.p50).toBeGreaterThanOrEqual(added!.p50 - 0.001);
    expect(info.measured!.rttMs!.p50).toBeLessThanOrEqual(clientBound);
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
  it('never passes a bulk transfer faster than the rate', async () => {
    const rate = 1000; // KB/s
    const size = 1_200_000;
    const echo = await startEcho(Buffer.alloc(size, 7));
    const kbps = await withProfile(
      `toxics:\n  - { type: bandwidth, stream: downstream, attributes: { rate: ${rate} } }\n`,
      echo.port,
      async (applied) => {
        // From before the connection exists: the proxy holds even the first segment for its
        // length ÷ rate, so nothing can make the transfer look faster than the rate.
        const start = performance.now();
        const { socket, reader } = await open(applied.endpoint.port);
        await reader.waitFor(size, 30_000);
        const seconds = (performance.now() - start) / 1000;
        socket.destroy();
        return size / seconds / 1000;
      },
    );
    await echo.close();
    expect(kbps).toBeLessThanOrEqual(rate * 1.001); // a segment due within 50 µs leaves at once
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
        // The proxy runs in its own thread: without this wait its RST could reach the upstream
        // before the upstream even accepted the connection, and the 5 bytes would go with it.
        await until(() => echo.accepted() === 1);
        socket.write(Buffer.alloc(8, 1));
        await reader.waitClosed();
        expect((reader.error as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
        await until(() => echo.received() >= 5);
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
        expect((await applied.proxy.snapshot()).openConnections).toBe(1);
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
    // The window counts from when the profile was applied (in the proxy's thread), which lies between
    // `before` and the return of applyProfile: so "held" arrives no earlier than before + WINDOW.
    // (Timing from after open() was not: on a busy machine open() alone could take 50 ms.)
    const WINDOW = 1000;
    const echo = await startEcho();
    const before = performance.now();
    await withProfile(
      `toxics:\n  - { type: stall, stream: upstream, schedule: { from: 0, for: ${WINDOW} } }\n`,
      echo.port,
      async (applied) => {
        const { socket, reader } = await open(applied.endpoint.port);
        socket.write('held');
        await reader.waitFor(4, 10_000);
        expect(performance.now() - before).toBeGreaterThanOrEqual(WINDOW - EARLY_MS);
        socket.write('free');
        const t2 = performance.now();
        await reader.waitFor(4, 10_000);
        // After the window nothing is held: a stall that started anew for each write (or held for
        // good) would keep "free" a whole window; a loopback echo takes far less even on a busy machine.
        expect(performance.now() - t2).toBeLessThan(WINDOW);
        socket.destroy();
      },
    );
    await echo.close();
  });

  it('latency changes on schedule during a run', async () => {
    // The schedule counts from when the profile was applied, at or before applyProfile returned
    // (`applied`). The early pings need ~240 ms (CONNECT + 3 round trips of 60 ms): a window of 1500 ms
    // leaves 1.2 s for a busy machine (400 ms left 160 ms). The late pings start after applied + UNTIL
    // on this thread's clock, so surely after the window, whatever the machine did before.
    const UNTIL = 1500;
    let applied = 0;
    await withProfile(
      `toxics:\n  - { type: latency, attributes: { latency: 30 }, schedule: { until: ${UNTIL} } }\n`,
      mosquitto.port,
      async (profile) => {
        applied = performance.now();
        const client = await mqttSession(profile.endpoint.port);
        const early = median(await pingRtts(client, 3));
        await new Promise((r) => setTimeout(r, Math.max(0, applied + UNTIL + 20 - performance.now())));
        const late = median(await pingRtts(client, 5));
        expect(early).toBeGreaterThanOrEqual(2 * 30 - 2 * EARLY_MS); // the proxy never releases early
        // 30 ms each way still applied after the window would make every late round trip ≥ 60 ms.
        expect(late).toBeLessThan(30);
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
    expect((await applied.proxy.snapshot()).openConnections).toBe(1);
    await applied.close();
    await client.reader.waitClosed();
    expect(await isRefused(applied.endpoint.port)).toBe(true);
    expect(applied.info().measured?.rttSamples).toBe(1); // the CONNECT, counted in the proxy's thread
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
