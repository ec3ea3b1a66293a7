import { runLoadScenario } from '/work/main/harness/load/index.js';
import { startMosquitto } from '/work/main/test/load/mosquitto.js';
const workers = Number(process.argv[2] ?? 2);
const broker = await startMosquitto();
try {
  const r = await runLoadScenario({ executor: 'constant-arrival-rate', rate: 2000, duration: '2s', workers,
    publishers: { count: 2, topic: '{prefix}/t', qos: 2, size: 100 }, subscribers: [{ count: 3, topic: '{prefix}/t', qos: 2 }, { count: 2, topic: '{prefix}/#', qos: 1, share: 'g' }] },
    { endpoint: broker.endpoint, target: broker, profile: 'none', mqttVersion: '5.0', signal: AbortSignal.timeout(20000), name: 'smoke', onProgress: (p) => console.log(JSON.stringify(p)) });
  const { histogram, intervals, ...rest } = r as any;
  console.log(JSON.stringify(rest, (k, v) => (k === 'encoded' || k === 'rssSamples' ? undefined : v), 1));
} finally { await broker.stop(); }
