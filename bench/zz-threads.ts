import { readFileSync, readdirSync } from 'node:fs';
import { runLoadScenario } from '../harness/load/index.js';
import { startMosquitto } from './lib/mosquitto.js';
import { asTarget } from './load-common.js';
function threads() { const m = new Map<string, number>(); for (const t of readdirSync('/proc/self/task')) { const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8'); const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); m.set(`${t} ${name}`, Number(f[11]) + Number(f[12])); } return m; }
const broker = await startMosquitto(['max_queued_messages 0']);
const target = asTarget(broker);
const run = (ms: number) => runLoadScenario({ executor: 'constant-arrival-rate', rate: 5000, duration: ms, workers: 0,
  publishers: { count: 1, topic: '{prefix}/cpu', qos: 1, size: 64 }, subscribers: { count: 1, topic: '{prefix}/cpu', qos: 1 } },
  { endpoint: target.endpoint, target, profile: 'none', mqttVersion: '3.1.1', signal: AbortSignal.timeout(60000), name: 'cpu' });
await run(1000);
const a = threads();
const r = await run(4000);
const b = threads();
for (const [k, v] of b) console.log(k, (v - (a.get(k) ?? 0)) * 10, 'ms');
console.log(r.received);
await broker.close();
