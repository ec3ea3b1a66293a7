// What the proxy backend costs: publish→deliver latency of a QoS 0 load run against a real Mosquitto,
// direct vs through a passthrough profile (no toxics) and through `lan`, plus idle PINGREQ round trips.
// Run: node --import tsx bench/proxy-overhead.ts [rate msg/s] [seconds]
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { applyProfile, parseProfile } from '../harness/network/index.js';
import { median, mqttSession, pingRtts, startMosquitto } from '../test/network/helpers.js';

const rate = Number(process.argv[2] ?? 2000);
const seconds = Number(process.argv[3] ?? 3);

function subscribePacket(topic: string): Buffer {
  const t = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([0, 1, t.length >> 8, t.length & 255]), t, Buffer.from([0])]);
  return Buffer.concat([Buffer.from([0x82, body.length]), body]);
}

function publishPacket(topic: string, sentAt: number): Buffer {
  const t = Buffer.from(topic);
  const payload = Buffer.alloc(8);
  payload.writeDoubleBE(sentAt);
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 255]), t, payload]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Latencies (µs) of the PUBLISH packets that arrive on the socket. */
function collect(socket: Socket, latencies: number[]): void {
  let buffer: Buffer = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    const now = performance.now();
    buffer = buffer.length === 0 ? d : Buffer.concat([buffer, d]);
    while (buffer.length >= 2) {
      const length = buffer[1]!; // all packets here are < 128 bytes
      if (buffer.length < 2 + length) break;
      if (buffer[0]! >> 4 === 3) {
        const topicLength = buffer.readUInt16BE(2);
        latencies.push((now - buffer.readDoubleBE(4 + topicLength)) * 1000);
      }
      buffer = buffer.subarray(2 + length);
    }
  });
}

async function loadRun(port: number): Promise<{ p50: number; p99: number; received: number; sent: number }> {
  const topic = `bench/${Math.random().toString(36).slice(2)}`;
  const sub = await mqttSession(port);
  sub.socket.write(subscribePacket(topic));
  await sub.reader.waitFor(5); // SUBACK
  sub.socket.removeAllListeners('data');
  const latencies: number[] = [];
  collect(sub.socket, latencies);
  const pub = await mqttSession(port);
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(rate * seconds, Math.floor((elapsed / 1000) * rate));
      while (sent < due) {
        pub.socket.write(publishPacket(topic, performance.now()));
        sent++;
      }
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await new Promise((r) => setTimeout(r, 300));
  sub.socket.destroy();
  pub.socket.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    p50: sorted[Math.floor(sorted.length * 0.5)] ?? NaN,
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
    received: sorted.length,
    sent,
  };
}

async function idleRtt(port: number): Promise<number> {
  const client = await mqttSession(port);
  const rtts: number[] = [];
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 2));
    rtts.push(...(await pingRtts(client, 1)));
  }
  client.socket.destroy();
  return median(rtts) * 1000;
}

const mosquitto = await startMosquitto();
const upstream = { transport: 'tcp' as const, host: '127.0.0.1', port: mosquitto.port };
const passthrough = parseProfile('name: passthrough\ntoxics: []\n', 'inline');
const rows: { name: string; p50: number; p99: number; ping: number; received: number; sent: number }[] = [];
try {
  for (let round = 0; round < 2; round++) {
    for (const name of ['direct', 'passthrough', 'lan'] as const) {
      const applied =
        name === 'direct'
          ? undefined
          : await applyProfile(name === 'lan' ? 'lan' : passthrough, upstream, { cwd: process.cwd() });
      const port = applied?.endpoint.port ?? mosquitto.port;
      const run = await loadRun(port);
      const ping = await idleRtt(port);
      await applied?.close();
      rows.push({ name, ...run, ping });
    }
  }
} finally {
  await mosquitto.stop();
}
const best = (name: string) => {
  const r = rows.filter((x) => x.name === name);
  return {
    p50: Math.min(...r.map((x) => x.p50)),
    p99: Math.min(...r.map((x) => x.p99)),
    ping: Math.min(...r.map((x) => x.ping)),
  };
};
const direct = best('direct');
process.stdout.write(`proxy overhead, QoS 0 at ${rate} msg/s for ${seconds} s (best of 2 rounds), µs\n`);
process.stdout.write(
  `${'path'.padEnd(12)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'ping p50'.padStart(9)} ${'added p50'.padStart(10)}\n`,
);
for (const name of ['direct', 'passthrough', 'lan']) {
  const b = best(name);
  process.stdout.write(
    `${name.padEnd(12)} ${b.p50.toFixed(0).padStart(8)} ${b.p99.toFixed(0).padStart(8)} ${b.ping.toFixed(0).padStart(9)} ${(b.p50 - direct.p50).toFixed(0).padStart(10)}\n`,
  );
}
for (const r of rows)
  if (r.received < r.sent) process.stdout.write(`note: ${r.name} received ${r.received} of ${r.sent}\n`);
const added = best('passthrough').p50 - direct.p50;
process.stdout.write(
  `passthrough adds ${added.toFixed(0)} µs at p50 (goal < 100 µs): ${added < 100 ? 'met' : 'NOT met'}\n`,
);
