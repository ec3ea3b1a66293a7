// The half-open will, measured precisely and for ONE client only: the will client goes through a
// profile whose blackhole (both directions) starts 2 s after it is applied; the observer connects to
// the broker directly. The will client keeps sending PINGREQ every 200 ms; the broker must publish
// the will no earlier than 1.5 x keep-alive after the last PINGREQ it could have received.
import { connect as tcpConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProfile, parseProfile } from '../../harness/network/index.js';
import { startTarget } from '../../harness/targets/index.js';
import type { StartedTarget } from '../../harness/targets/types.js';
import { encode } from '../../wire/index.js';
import { REPO } from './helpers.js';

const BLACKHOLE_FROM = 2000;
const KEEP_ALIVE = 2; // s: the broker allows 3 s of silence
const PING_EVERY = 200;
const LATE_MARGIN = 1000; // ms after the blackhole began: a reply read later was sent after it began
const HALF_OPEN = parseProfile(
  `name: half-open-both\ntoxics:\n  - { type: blackhole, schedule: { from: ${BLACKHOLE_FROM} } }\n`,
  'half-open-both.yaml',
);

const targets = new Map<string, StartedTarget>();
beforeAll(async () => {
  for (const kind of ['reference', 'mosquitto']) targets.set(kind, await startTarget(kind, { cwd: REPO }));
}, 20_000);
afterAll(async () => Promise.all([...targets.values()].map((t) => t.stop())));

/** A raw TCP client that records when bytes arrive (CONNACK, PINGRESPs). */
function rawClient(port: number): Promise<{ socket: Socket; chunks: { at: number; bytes: number }[] }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => resolve({ socket, chunks }));
    const chunks: { at: number; bytes: number }[] = [];
    socket.on('data', (chunk) => chunks.push({ at: performance.now(), bytes: chunk.length }));
    socket.on('error', reject);
    socket.setTimeout(15_000, () => socket.destroy());
  });
}

async function measure(
  target: StartedTarget,
  topic: string,
): Promise<{ willAfterMs: number; lateReplies: number }> {
  const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${target.endpoint.port}`, {
    keepalive: 0,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  const applied = await applyProfile(HALF_OPEN, target.endpoint, { cwd: REPO });
  const appliedAt = performance.now(); // ≥ the moment the profile's clock started
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const client = await rawClient(applied.endpoint.port);
  try {
    await observer.subscribeAsync(topic, { qos: 0 });
    const will = new Promise<number>((resolve, reject) => {
      observer.on('message', (t) => t === topic && resolve(performance.now()));
      deadline = setTimeout(() => reject(new Error('no will within 12 s')), 12_000);
    });
    client.socket.write(
      encode(
        {
          type: 'connect',
          protocolName: 'MQTT',
          protocolLevel: 4,
          cleanStart: true,
          keepAlive: KEEP_ALIVE,
          clientId: `net-e2e-will-${process.pid}-${target.name}`,
          will: { topic, payload: Buffer.from('half-open'), qos: 0, retain: false },
        },
        4,
      ),
    );
    // PINGREQ sent before (BLACKHOLE_FROM − PING_EVERY) on our clock reached the broker for sure.
    let lastSurelyDelivered = 0;
    timer = setInterval(() => {
      const sentAt = performance.now() - appliedAt;
      if (client.socket.writable) client.socket.write(encode({ type: 'pingreq' }, 4));
      if (sentAt < BLACKHOLE_FROM - PING_EVERY) lastSurelyDelivered = sentAt;
    }, PING_EVERY);
    const willAt = (await will) - appliedAt;
    // Nothing the broker sent after the blackhole began reached the client: it never learns. A reply
    // that passed just before it may be read late on a busy machine (100 ms of margin was thin); one
    // passed by a blackhole that does not hold comes every 200 ms until the will, 3 s on: still counted.
    const lateReplies = client.chunks.filter((c) => c.at - appliedAt > BLACKHOLE_FROM + LATE_MARGIN).length;
    return { willAfterMs: willAt - lastSurelyDelivered, lateReplies };
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    client.socket.destroy();
    await observer.endAsync(true);
    await applied.close();
  }
}

describe('half-open link, will client only', () => {
  for (const kind of ['reference', 'mosquitto']) {
    it(`${kind} publishes the will 1.5 x keep-alive after the last packet it received`, async () => {
      const m = await measure(targets.get(kind)!, `net-e2e/${process.pid}/${kind}/will`);
      console.log(
        `${kind}: will published ${(m.willAfterMs / 1000).toFixed(2)} s after the last PINGREQ surely delivered ` +
          `(keep-alive ${KEEP_ALIVE} s, 1.5 x = ${1.5 * KEEP_ALIVE} s)`,
      );
      expect(m.willAfterMs).toBeGreaterThanOrEqual(1.5 * KEEP_ALIVE * 1000 - PING_EVERY);
      expect(m.lateReplies).toBe(0);
    }, 30_000);
  }
});
