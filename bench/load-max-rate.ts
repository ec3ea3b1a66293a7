// Maximum sustained rate of the load engine against Mosquitto: closed loop (each publisher keeps
// `window` messages in flight), pairs of publishers/subscribers, QoS 0 and QoS 1, all cores.
// Prints sent and delivered messages per second and who ran out of CPU first.
//   npm run bench:load-max   (LOAD_SECONDS=5 LOAD_PAIRS=4 LOAD_SIZE=64)
import { runLoadScenario } from '../harness/load/index.js';
import { startMosquitto } from './lib/mosquitto.js';
import { asTarget, log } from './load-common.js';

const seconds = Number(process.env['LOAD_SECONDS'] ?? 5);
const pairs = Number(process.env['LOAD_PAIRS'] ?? 4);
const size = Number(process.env['LOAD_SIZE'] ?? 64);

for (const [qos, window] of [
  [0, 100],
  [1, 100],
] as const) {
  const broker = await startMosquitto(['max_queued_messages 0', 'max_inflight_messages 0']);
  const target = asTarget(broker);
  try {
    log(`closed loop, QoS ${qos}, window ${window}, ${pairs} pairs, ${seconds} s ...`);
    const result = await runLoadScenario(
      {
        executor: 'closed-loop',
        duration: seconds * 1000,
        window,
        publishers: { count: pairs, topic: '{prefix}/max/%i', qos, size },
        subscribers: { count: pairs, topic: '{prefix}/max/%i', qos },
      },
      {
        endpoint: target.endpoint,
        target,
        profile: 'none',
        mqttVersion: '3.1.1',
        signal: AbortSignal.timeout(seconds * 1000 + 60_000),
        name: `max-qos${qos}`,
      },
    );
    const lost = result.delivery.reduce((sum, verdict) => sum + verdict.lost, 0);
    process.stdout.write(
      `QoS ${qos}: sent ${Math.round(result.rate.sentPerSec)}/s  delivered ${Math.round(result.rate.receivedPerSec)}/s  lost ${lost}  p99 ${(result.latency.p99 / 1000).toFixed(1)} ms  ` +
        `engine CPU ${result.generator.cpuPercent}% (${result.generator.workers} workers)  mosquitto CPU ${result.broker?.cpuPercent ?? '?'}%\n`,
    );
  } finally {
    await broker.close();
  }
}
