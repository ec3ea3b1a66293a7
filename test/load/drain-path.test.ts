// The drain and a path that holds bytes (drain-path.ts). A path silent for longer than the drain's
// quiet spell, its data still on the way (as TCP is while it waits out a retransmission timeout
// under packet loss), must not have that data counted as lost when the path can say it holds bytes.
// The path here is a relay in front of Mosquitto that holds what the broker sends to the subscriber
// from the first message until 2.5 s after the publisher's last byte, and reports what it holds.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePath, PathWatch } from '../../harness/load/drain-path.js';
import { runLoadScenario, type LoadSection } from '../../harness/load/index.js';
import type { EngineMessage } from '../../harness/load/protocol.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { startMosquitto } from './mosquitto.js';

const HOLD_AFTER_LAST_SEND_MS = 2_500;

interface HoldingRelay {
  port: number;
  held(): number;
  close(): Promise<void>;
}

/** Upstream passes at once; downstream is held (after the CONNACK/SUBACK) until the release. */
async function holdingRelay(upstream: { host: string; port: number }): Promise<HoldingRelay> {
  const held: { socket: Socket; chunks: Buffer[] }[] = [];
  const sockets = new Set<Socket>();
  let releaseTimer: NodeJS.Timeout | undefined;
  let releasing = false;
  const release = (): void => {
    releasing = true;
    for (const entry of held) for (const chunk of entry.chunks.splice(0)) entry.socket.write(chunk);
  };
  const server: Server = createServer((client) => {
    const broker = connect(upstream);
    for (const socket of [client, broker]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    }
    const entry = { socket: client, chunks: [] as Buffer[] };
    held.push(entry);
    let answers = 0;
    broker.on('data', (chunk: Buffer) => {
      // CONNACK and SUBACK (the first two answers) pass, so that the run can start.
      if (releasing || answers < 2) {
        answers++;
        client.write(chunk);
      } else entry.chunks.push(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      broker.write(chunk);
      // The publisher's last byte: the hold ends HOLD_AFTER_LAST_SEND_MS after it.
      if (releaseTimer) clearTimeout(releaseTimer);
      releaseTimer = setTimeout(release, HOLD_AFTER_LAST_SEND_MS);
    });
    client.on('end', () => broker.end());
    broker.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    held: () => held.reduce((sum, entry) => sum + entry.chunks.reduce((n, c) => n + c.length, 0), 0),
    close: async () => {
      if (releaseTimer) clearTimeout(releaseTimer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const LOAD = {
  executor: 'constant-arrival-rate',
  warmup: 0,
  rate: 100,
  duration: '1s',
  drainTimeout: '10s',
  workers: 0,
  publishers: { count: 1, topic: '{prefix}/held/%i', qos: 0, size: 32 },
  subscribers: { count: 1, topic: '{prefix}/held/+', qos: 0 },
} as unknown as LoadSection;

let broker: StartedTarget;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

async function throughHoldingRelay(probed: boolean) {
  const relay = await holdingRelay(broker.endpoint);
  try {
    return await runLoadScenario(LOAD, {
      endpoint: { ...broker.endpoint, host: '127.0.0.1', port: relay.port },
      target: broker,
      profile: 'holding-relay',
      mqttVersion: '3.1.1',
      signal: AbortSignal.timeout(60_000),
      name: 'drain-path',
      ...(probed && { pathInFlight: () => Promise.resolve(relay.held()) }),
    });
  } finally {
    await relay.close();
  }
}

describe('the drain and a path that holds bytes', () => {
  it('waits while the path says it holds bytes: every message arrives after the silence', async () => {
    const result = await throughHoldingRelay(true);
    const verdict = result.delivery.find((d) => d.qos === 0);
    expect(result.sent).toBeGreaterThan(0);
    expect(verdict?.expected).toBe(result.sent);
    expect(verdict?.lost).toBe(0);
    expect(verdict?.received).toBe(result.sent);
  }, 40_000);

  it('without the probe, the quiet spell ends the drain and the held messages count as lost', async () => {
    // The counterpart that shows the relay does hold longer than the quiet spell.
    const result = await throughHoldingRelay(false);
    const verdict = result.delivery.find((d) => d.qos === 0);
    expect(result.sent).toBeGreaterThan(0);
    expect(verdict?.lost).toBeGreaterThan(0);
  }, 40_000);
});

describe('PathWatch', () => {
  it('lets a quiet spell end the drain only after a probe found the path empty since', () => {
    const watch = new PathWatch();
    expect(watch.mayEnd(0)).toBe(true); // not probed: the quiet spell alone
    watch.probed = true;
    const start = Date.now() - 5_000;
    expect(watch.mayEnd(start)).toBe(false); // no answer yet
    watch.record(true);
    const since = watch.quietSince(start);
    expect(since).toBeGreaterThan(start); // holding bytes restarts the quiet spell
    expect(watch.mayEnd(since)).toBe(false);
    watch.record(false);
    expect(watch.mayEnd(since)).toBe(true);
  });

  it('probePath tells the workers after each answer and stops when the drain is done', async () => {
    const sent: EngineMessage[] = [];
    const answers = [10, undefined, 0];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const probing = probePath(
      () => {
        const answer = answers.shift();
        if (answers.length === 0) setImmediate(finish);
        return answer === undefined && answers.length === 1
          ? Promise.reject(new Error('ss failed'))
          : Promise.resolve(answer);
      },
      (message) => sent.push(message),
      done,
    );
    await probing;
    expect(sent).toEqual([
      { type: 'path', busy: true },
      { type: 'path', busy: false }, // a failed probe cannot tell: empty, the quiet rule as before
      { type: 'path', busy: false },
    ]);
  });
});
