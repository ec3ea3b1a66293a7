// CPU per delivered message: the load engine vs a naive MQTT.js script (publish in a loop paced by
// a timer, subscriber counting), same broker (Mosquitto), same rate, QoS, payload and message count,
// in this one process one after the other. CPU = process.cpuUsage() (user + system) over each phase.
// The engine runs twice: as it runs by default, every message sent at its own due time on the
// precise timer (LOAD_TICK_MS=0; a number coalesces wake-ups to one per tick), and at the naive
// script's pacing (10 ms ticks), so the ratio is also shown at equal send granularity.
// LOAD_SUBSCRIBERS > 1 makes it a fan-out: every message goes to that many subscribers, and CPU
// is divided by the deliveries.
//   npm run bench:load-cpu   (LOAD_RATE=5000 LOAD_SECONDS=4 LOAD_QOS=1 LOAD_SIZE=64 LOAD_SUBSCRIBERS=1 LOAD_TICK_MS=0)
import mqtt from 'mqtt';
import { runLoadScenario, timerStatus } from '../harness/load/index.js';
import { startMosquitto } from './lib/mosquitto.js';
import { asTarget, log } from './load-common.js';

interface Run {
  cpuUs: number;
  userUs: number;
  delivered: number;
  p99Us: number;
}

const rate = Number(process.env['LOAD_RATE'] ?? 5000);
const seconds = Number(process.env['LOAD_SECONDS'] ?? 4);
const qos = Number(process.env['LOAD_QOS'] ?? 1) as 0 | 1 | 2;
const size = Number(process.env['LOAD_SIZE'] ?? 64);
const tickMs = Number(process.env['LOAD_TICK_MS'] ?? 0);
const subscribers = Number(process.env['LOAD_SUBSCRIBERS'] ?? 1);
const NAIVE_TICK_MS = 10;
const tickName = tickMs === 0 ? 'due-time sends' : `${tickMs} ms tick`;

async function engine(port: number, pid: number | undefined, seconds: number, tick: number): Promise<Run> {
  const target = asTarget({
    name: 'mosquitto',
    host: '127.0.0.1',
    port,
    pid,
    close: () => Promise.resolve(),
  });
  const before = process.cpuUsage();
  const result = await runLoadScenario(
    {
      executor: 'constant-arrival-rate',
      rate,
      duration: seconds * 1000,
      workers: 0, // one thread, like the naive script
      tick, // least time between wake-ups (the naive script publishes every 10 ms)
      publishers: { count: 1, topic: '{prefix}/cpu', qos, size },
      subscribers: { count: subscribers, topic: '{prefix}/cpu', qos },
    },
    {
      endpoint: target.endpoint,
      target,
      profile: 'none',
      mqttVersion: '3.1.1',
      signal: AbortSignal.timeout(seconds * 1000 + 60_000),
      name: 'cpu',
    },
  );
  const used = process.cpuUsage(before);
  return {
    cpuUs: used.user + used.system,
    userUs: used.user,
    delivered: result.received,
    p99Us: result.latency.p99,
  };
}

async function naive(port: number, seconds: number): Promise<Run> {
  const total = rate * seconds;
  const url = `mqtt://127.0.0.1:${port}`;
  const before = process.cpuUsage();
  const subscriberClients = await Promise.all(
    Array.from({ length: subscribers }, () =>
      mqtt.connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 10_000 }),
    ),
  );
  const publisher = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  const topic = `naive${process.pid}/cpu`;
  await Promise.all(subscriberClients.map((client) => client.subscribeAsync(topic, { qos })));
  let delivered = 0;
  const latencies: number[] = [];
  const allIn = new Promise<void>((resolve) => {
    for (const subscriber of subscriberClients)
      subscriber.on('message', (_topic, payload) => {
        latencies.push((performance.timeOrigin + performance.now() - payload.readDoubleBE(0)) * 1000);
        if (++delivered === total * subscribers) resolve();
      });
  });
  const perTick = (rate * NAIVE_TICK_MS) / 1000;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let index = 0; index < perTick && sent < total; index++, sent++) {
        const payload = Buffer.alloc(size);
        payload.writeDoubleBE(performance.timeOrigin + performance.now(), 0);
        publisher.publish(topic, payload, { qos });
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, NAIVE_TICK_MS);
  });
  await Promise.race([allIn, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  await Promise.all([publisher.endAsync(), ...subscriberClients.map((client) => client.endAsync())]);
  const used = process.cpuUsage(before);
  latencies.sort((a, b) => a - b);
  return {
    cpuUs: used.user + used.system,
    userUs: used.user,
    delivered,
    p99Us: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
  };
}

const broker = await startMosquitto(['max_queued_messages 0']);
try {
  log(
    `Mosquitto on ${broker.port}; ${rate * seconds} messages at ${rate}/s (engine ${tickName}, timer ${timerStatus().auto}), QoS ${qos}, ${size} B, 1 publisher → ${subscribers} subscriber(s)`,
  );
  // Warm both up first (module loading, JIT), then measure each.
  await engine(broker.port, broker.pid, 1, tickMs);
  await naive(broker.port, 1);
  const ours = await engine(broker.port, broker.pid, seconds, tickMs);
  const coarse = await engine(broker.port, broker.pid, seconds, NAIVE_TICK_MS);
  const peer = await naive(broker.port, seconds);
  const perMessage = (run: { cpuUs: number; delivered: number }): number =>
    run.cpuUs / Math.max(1, run.delivered);
  const ratio = perMessage(ours) / perMessage(peer);
  const coarseRatio = perMessage(coarse) / perMessage(peer);
  const row = (name: string, run: Run): string =>
    `${name.padEnd(14)} delivered ${String(run.delivered).padStart(7)}  CPU ${(run.cpuUs / 1000).toFixed(0).padStart(6)} ms  CPU/msg ${perMessage(run).toFixed(1).padStart(6)} µs (user ${(run.userUs / Math.max(1, run.delivered)).toFixed(1)} µs)  p99 ${(run.p99Us / 1000).toFixed(1)} ms`;
  process.stdout.write(
    `${row(`engine ${tickName}`, ours)}\n${row(`engine ${NAIVE_TICK_MS} ms`, coarse)}\n${row('MQTT.js naive', peer)}\n` +
      `ratio engine/MQTT.js CPU per delivered message: ${ratio.toFixed(2)} at the engine's ${tickName}, ` +
      `${coarseRatio.toFixed(2)} at the naive script's ${NAIVE_TICK_MS} ms pacing (goal ≤ 0.50)\n`,
  );
} finally {
  await broker.close();
}
