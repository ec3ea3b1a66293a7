// Broker throughput: our broker, Mosquitto and Aedes, each in its own child process on a free
// loopback port, under the same three loads from one load-generator process (raw sockets, our
// encoder, pre-encoded batches). Prints delivered msgs/s per broker and the ratios ours/peer, and the
// broker's CPU time per delivered message (the load generator shares the cores, so msgs/s alone can
// measure the generator rather than the broker).
//   npm run bench:broker               (BENCH_SECONDS=5 BENCH_CLIENTS=10 BENCH_PAYLOAD=64 by default;
//                                      BENCH_CASES=fan-out-qos0,... and BENCH_BROKERS=ours,... to pick)
import { CASES, V5_CASES, type CaseName, type CaseResult } from './lib/cases.js';
import { cpuSeconds } from './lib/cpu.js';
import { startMosquitto, MOSQUITTO_BIN, type PeerBroker } from './lib/mosquitto.js';
import { startNodeBroker } from './lib/node-broker.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const clients = Number(process.env['BENCH_CLIENTS'] ?? 10);
const payloadBytes = Number(process.env['BENCH_PAYLOAD'] ?? 64);
const json = process.argv.includes('--json');

type BrokerName = 'ours' | 'mosquitto' | 'aedes';
type Measured = CaseResult & { cpuSeconds?: number; cpuMicrosPerMessage?: number };
const starters: Record<BrokerName, (() => Promise<PeerBroker>) | undefined> = {
  ours: () => startNodeBroker('ours', 'serve-ours.ts'),
  mosquitto: MOSQUITTO_BIN === undefined ? undefined : () => startMosquitto(),
  aedes: () => startNodeBroker('aedes', 'serve-aedes.ts'),
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const results: Partial<Record<CaseName, Partial<Record<BrokerName, Measured | string>>>> = {};

const pick = <T extends string>(all: T[], env: string | undefined): T[] =>
  env === undefined || env === '' ? all : all.filter((name) => env.split(',').includes(name));
const caseNames = pick(Object.keys(CASES) as CaseName[], process.env['BENCH_CASES']);
const brokerNames = pick(Object.keys(starters) as BrokerName[], process.env['BENCH_BROKERS']);

for (const caseName of caseNames) {
  results[caseName] = {};
  for (const brokerName of brokerNames) {
    const start = starters[brokerName];
    if (start === undefined) {
      results[caseName][brokerName] = 'not installed';
      continue;
    }
    if (brokerName === 'aedes' && V5_CASES.has(caseName)) {
      results[caseName][brokerName] = 'skipped: Aedes 1.x speaks MQTT 3.1.1 only';
      continue;
    }
    // a fresh broker process per case: no state carried from one load to the next
    let broker: PeerBroker;
    try {
      broker = await start();
    } catch (error) {
      results[caseName][brokerName] =
        `did not start: ${(error as Error).message.split('\n').slice(0, 2).join(' ')}`;
      continue;
    }
    try {
      log(`${caseName} on ${brokerName} (port ${broker.port}, pid ${broker.pid}) ...`);
      let cpuStart: number | undefined;
      let cpuUsed: number | undefined;
      const result: Measured = await CASES[caseName]({
        port: broker.port,
        seconds,
        clients,
        payloadBytes,
        onWindow: (phase) => {
          const now = cpuSeconds(broker.pid);
          if (phase === 'start') cpuStart = now;
          else if (now !== undefined && cpuStart !== undefined) cpuUsed = now - cpuStart;
        },
      });
      if (cpuUsed !== undefined && result.delivered > 0) {
        result.cpuSeconds = cpuUsed;
        result.cpuMicrosPerMessage = (cpuUsed * 1e6) / result.delivered;
      }
      results[caseName][brokerName] = result;
    } catch (error) {
      results[caseName][brokerName] = `failed: ${(error as Error).message}`;
    } finally {
      await broker.close();
    }
  }
}

const rate = (r: Measured | string | undefined): number | undefined =>
  typeof r === 'object' ? r.rate : undefined;
const cpu = (r: Measured | string | undefined): number | undefined =>
  typeof r === 'object' ? r.cpuMicrosPerMessage : undefined;
const fmtCpu = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(2));
const fmt = (n: number | undefined): string =>
  n === undefined ? '—' : Math.round(n).toLocaleString('en-US');
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? '—' : (a / b).toFixed(2);

if (json) {
  process.stdout.write(`${JSON.stringify({ seconds, clients, payloadBytes, results }, null, 2)}\n`);
} else {
  const header = [
    'case',
    'ours msg/s',
    'mosquitto msg/s',
    'aedes msg/s',
    'ours/mosquitto',
    'ours/aedes',
    'CPU µs/msg ours',
    'mosquitto',
    'aedes',
  ];
  const rows = (Object.keys(results) as CaseName[]).map((c) => {
    const r = results[c]!;
    return [
      c,
      fmt(rate(r.ours)),
      fmt(rate(r.mosquitto)),
      fmt(rate(r.aedes)),
      ratio(rate(r.ours), rate(r.mosquitto)),
      ratio(rate(r.ours), rate(r.aedes)),
      fmtCpu(cpu(r.ours)),
      fmtCpu(cpu(r.mosquitto)),
      fmtCpu(cpu(r.aedes)),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(
    [
      `Broker throughput: delivered messages/s, ${seconds} s per case, ${clients} clients, ${payloadBytes}-byte payloads, MQTT 3.1.1 (fan-out-v5-subid-qos0: MQTT 5.0, every subscriber's Subscription Identifier 1)`,
      'Each broker runs in its own child process (ours compiled from dist/, Aedes from node_modules, Mosquitto natively).',
      'CPU µs/msg: broker process CPU time (user + system) in the measured window / messages delivered (lower is better).',
      line(header),
      ...rows.map(line),
      '',
    ].join('\n'),
  );
  const offered = (r: Measured | string | undefined): string =>
    typeof r === 'object' ? fmt(r.published / (r.seconds + 0.5)) : '—';
  process.stdout.write(
    `Offered load (msgs/s written by the publishers, warm-up included): ${(Object.keys(results) as CaseName[])
      .map(
        (c) =>
          `${c} ours ${offered(results[c]!.ours)} / mosquitto ${offered(results[c]!.mosquitto)} / aedes ${offered(results[c]!.aedes)}`,
      )
      .join('; ')}\n`,
  );
  for (const c of Object.keys(results) as CaseName[]) {
    for (const [b, r] of Object.entries(results[c]!)) {
      if (typeof r === 'string') process.stdout.write(`${c} ${b}: ${r}\n`);
      else if (r.lost !== undefined)
        process.stdout.write(
          `${c} ${b}: ${r.lost.toLocaleString('en-US')} of ${(r.acknowledged ?? 0).toLocaleString('en-US')} acknowledged messages lost\n`,
        );
    }
  }
}
