import { runLoadScenario, type LoadSection } from '../harness/load/index.js';
const port = Number(process.env.PORT);
const [timer, w, tick] = (process.env.V ?? 'timerfd:0:0').split(':');
const target: any = { name: 'm', kind: 'm', endpoint: { transport: 'tcp', host: '127.0.0.1', port }, url: '', capabilities: new Set(), knownDeviations: [], isAlive: () => true, stop: async () => {} };
const qos = Number(process.env.QOS ?? 0) as 0 | 1;
const r = await runLoadScenario({ executor: 'constant-arrival-rate', rate: Number(process.env.RATE ?? 5000), duration: Number(process.env.SECS ?? 4) * 1000, timer: timer as LoadSection['timer'], workers: w === 'auto' ? 'auto' : Number(w), tick: Number(tick),
  publishers: { count: 10, topic: '{prefix}/t/%i', qos, size: 64 }, subscribers: { count: 10, topic: '{prefix}/t/%i', qos } },
  { endpoint: target.endpoint, target, profile: 'none', mqttVersion: '5.0', signal: AbortSignal.timeout(120000), name: 'v' });
console.log(process.env.V, `p50 ${r.latency.p50} p99 ${r.latency.p99} late50 ${r.sendLateness?.percentiles.p50} cpu ${r.generator.cpuPercent}% ${r.generator.cpuPerMessageUs}us/msg`);
