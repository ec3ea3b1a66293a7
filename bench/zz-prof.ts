import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { runLoadScenario } from '../harness/load/index.js';
import { startMosquitto } from './lib/mosquitto.js';
import { asTarget } from './load-common.js';
const broker = await startMosquitto(['max_queued_messages 0']);
const target = asTarget(broker);
const run = (ms: number) => runLoadScenario({ executor: 'constant-arrival-rate', rate: 5000, duration: ms, workers: 0,
  publishers: { count: 1, topic: '{prefix}/cpu', qos: 1, size: 64 }, subscribers: { count: 1, topic: '{prefix}/cpu', qos: 1 } },
  { endpoint: target.endpoint, target, profile: 'none', mqttVersion: '3.1.1', signal: AbortSignal.timeout(60000), name: 'cpu' });
await run(1000);
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
const before = process.cpuUsage();
const r = await run(4000);
const u = process.cpuUsage(before);
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/engine.cpuprofile', JSON.stringify(profile));
console.log(r.received, (u.user + u.system) / r.received, 'us/msg', r.durationMs);
await broker.close();
