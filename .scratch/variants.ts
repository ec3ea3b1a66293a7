import { runLoadScenario, type LoadSection } from '../harness/load/index.js';
import { startTarget } from '../harness/targets/index.js';
import { loadavg } from 'node:os';
const target = await startTarget('mosquitto', { cwd: process.cwd() });
const rate = Number(process.env.RATE ?? 5000), qos = Number(process.env.QOS ?? 0) as 0 | 1;
const variants = (process.env.V ?? 'timerfd:auto:0,libuv:auto:1').split(',');
try {
  for (let rep = 0; rep < Number(process.env.REPS ?? 1); rep++)
  for (const v of variants) {
    const [timer, w, tick] = v.split(':');
    const r = await runLoadScenario({ executor: 'constant-arrival-rate', rate, duration: Number(process.env.SECS ?? 4) * 1000, timer: timer as LoadSection['timer'], workers: w === 'auto' ? 'auto' : Number(w), tick: Number(tick),
      publishers: { count: 10, topic: '{prefix}/t/%i', qos, size: 64 }, subscribers: { count: 10, topic: '{prefix}/t/%i', qos } },
      { endpoint: target.endpoint, target, profile: 'none', mqttVersion: '5.0', signal: AbortSignal.timeout(120000), name: 'v' });
    console.log(v.padEnd(20), `p50 ${r.latency.p50} p99 ${r.latency.p99} svc50 ${r.serviceTime?.percentiles.p50} late50 ${r.sendLateness?.percentiles.p50} late99 ${r.sendLateness?.percentiles.p99} dropped ${r.dropped} cpu ${r.generator.cpuPercent}% ${r.generator.cpuPerMessageUs}us/msg broker ${r.broker?.cpuPercent}% load ${loadavg()[0].toFixed(1)}`);
  }
} finally { await target.stop(); }
