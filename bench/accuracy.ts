// Accuracy of the load engine against an independent yardstick: the native reference generator
// (native/reference-generator/refgen.c: C, epoll, timerfd, built here with the machine's cc) and the
// harness run alternately against the same Mosquitto (started through the harness's own target),
// 10 publisher/subscriber pairs, at each rate and QoS. Both measure latency from the intended send
// time; the harness should measure what the native generator measures.
// The harness runs as its users run it: `harness bench pairs` from the compiled build (dist/), one
// process per run, against the broker's URL, its result read from --json. Both generators warm up
// for ACCURACY_WARMUP at the same rate first, kept out of their figures: 3 s by default, because V8
// optimizes the harness's send and receive path only after a few thousand messages (at 1,000 msg/s
// a 1 s warm-up left that compilation inside the measured window: docs/load.md, Accuracy).
// Before every run the bench rests for a second and reads /proc/stat: a run that started while other
// work took more than BUSY_SHARE of the cores (or the hypervisor stole CPU) is marked busy, and the
// summary says how many there were instead of guessing from a missed target.
// Target (idle machine): harness p50 and p99 within max(10 %, 100 µs) of the native figures at every
// rate and QoS, 0 dropped sends at 20 000 msg/s. What is compared: per case, the median over the
// runs of each generator's per-run percentile (one run's p99 rests on 1 % of a few thousand
// messages and native's own moved 2x between runs), printed with the runs' range beside it.
// Each run also reports its sending thread's run-queue wait over the measured schedule (schedstat):
// time it was ready but the 2 cores, shared with Mosquitto, had none free.
// ACCURACY_PIN=1 (or BROKER:GENERATOR CPU lists, e.g. 0:1) gives each its own cores (docs/load.md,
// Placement): Mosquitto starts on the broker CPUs, refgen runs under `taskset --cpu-list GENERATOR`
// and the harness gets `--generator-cpus GENERATOR` (its worker threads; its main thread stays free),
// so both generators are placed alike. `1`: the broker on the first allowed CPU, the generators on
// the last.
//   npm run bench:accuracy   (ACCURACY_RUNS=5 ACCURACY_SECONDS=5 ACCURACY_WARMUP=3s
//                             ACCURACY_RATES=1000,5000,20000 ACCURACY_QOS=0,1 ACCURACY_WORKERS=auto ACCURACY_TIMER=auto
//                             ACCURACY_PIN=0:1)
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { durationMs } from '../harness/load/duration.js';
import { allowedCpus, checkCpuList } from '../harness/placement/index.js';
import { timerStatus } from '../harness/load/precise-timer.js';
import type { LoadResult, RunResult } from '../harness/result/index.js';
import { startTarget } from '../harness/targets/index.js';
import type { StartedTarget } from '../harness/targets/index.js';
import { BUSY_SHARE, sampleMachine, STEAL_SHARE, type MachineState } from './lib/machine.js';
import { buildRefgen, runRefgen } from './lib/refgen.js';
import { log } from './load-common.js';

const runs = Number(process.env['ACCURACY_RUNS'] ?? 5);
const seconds = Number(process.env['ACCURACY_SECONDS'] ?? 5);
const warmup = process.env['ACCURACY_WARMUP'] ?? '3s';
const warmupMs = durationMs(warmup, 0);
const rates = (process.env['ACCURACY_RATES'] ?? '1000,5000,20000').split(',').map(Number);
const qosList = (process.env['ACCURACY_QOS'] ?? '0,1').split(',').map(Number) as (0 | 1)[];
const workers = process.env['ACCURACY_WORKERS'] ?? 'auto';
/** The harness's send timer (`harness bench --timer`): auto, timerfd, wait-thread, spin or libuv. */
const timer = process.env['ACCURACY_TIMER'] ?? 'auto';
const pin = pinning(process.env['ACCURACY_PIN']);
const PAIRS = 10;
const execute = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'accuracy-'));

interface Figures {
  p50: number;
  p99: number;
  p999: number;
  serviceP50: number;
  latenessP99: number;
  sent: number;
  dropped: number;
  /** Generator CPU, % of one core over the run. */
  cpu: number;
  /**
   * Run-queue wait over the measured schedule, ms (schedstat): time the generator's sending thread
   * (refgen's one thread, the harness's load worker) was ready to run but had no core.
   */
  runQueueWaitMs: number | undefined;
  machine: MachineState;
}

/** One `harness bench pairs` run, as a user types it, against the broker's URL. */
async function harnessRun(target: StartedTarget, rate: number, qos: 0 | 1, run: number): Promise<Figures> {
  const machine = await sampleMachine();
  const json = join(scratch, `harness-${qos}-${rate}-${run}.json`);
  const args = [
    'bin/harness.js',
    'bench',
    'pairs',
    '--target',
    target.url,
    '--qos',
    String(qos),
    '--rate',
    String(rate),
    '--publishers',
    String(PAIRS),
    '--size',
    '64',
    '--mqtt',
    '5.0',
    '--duration',
    `${seconds}s`,
    '--warmup',
    warmup,
    '--timer',
    timer,
    '--workers',
    workers,
    '--inconclusive',
    'warn',
    ...(pin === undefined ? [] : ['--generator-cpus', pin.generator]),
    '--reporter',
    'list',
    '--json',
    json,
  ];
  try {
    await execute(process.execPath, args, { timeout: warmupMs + seconds * 1000 + 120_000 });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    throw new Error(`harness bench exited ${failure.code}: ${failure.stderr ?? ''}${failure.stdout ?? ''}`, {
      cause: error,
    });
  }
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const load: LoadResult | undefined = result.loads[0];
  if (load === undefined) throw new Error(`harness bench wrote no load to ${json}`);
  if (pin !== undefined && load.generator.cpus !== pin.generator)
    throw new Error(
      `the harness's workers ran on CPUs ${load.generator.cpus ?? 'unpinned'}, not ${pin.generator}`,
    );
  return {
    p50: load.latency.p50,
    p99: load.latency.p99,
    p999: load.latency.p999,
    serviceP50: load.serviceTime?.percentiles.p50 ?? 0,
    latenessP99: load.sendLateness?.percentiles.p99 ?? 0,
    sent: load.sent,
    dropped: load.dropped,
    cpu: load.generator.cpuPercent,
    runQueueWaitMs: load.generator.runQueueWaitMs?.workers,
    machine,
  };
}

async function nativeRun(binary: string, target: StartedTarget, rate: number, qos: 0 | 1): Promise<Figures> {
  const machine = await sampleMachine();
  const report = await runRefgen(binary, {
    host: target.endpoint.host,
    port: target.endpoint.port,
    rate,
    qos,
    pairs: PAIRS,
    durationMs: seconds * 1000,
    warmupMs,
    ...(pin === undefined ? {} : { cpus: pin.generator }),
  });
  return {
    p50: report.latencyUs.p50,
    p99: report.latencyUs.p99,
    p999: report.latencyUs.p999,
    serviceP50: report.serviceUs.p50,
    latenessP99: report.latenessUs.p99,
    sent: report.sent,
    dropped: report.dropped,
    cpu: Math.round(((report.cpuUserMs + report.cpuSystemMs) / report.wallMs) * 1000) / 10,
    runQueueWaitMs: report.runQueueWaitMs,
    machine,
  };
}

const us = (value: number): string =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)}ms` : `${Math.round(value)}µs`;

function row(name: string, figures: Figures): string {
  return (
    `${name.padEnd(8)} p50 ${us(figures.p50).padStart(7)}  p99 ${us(figures.p99).padStart(7)}  ` +
    `p99.9 ${us(figures.p999).padStart(7)}  service p50 ${us(figures.serviceP50).padStart(6)}  ` +
    `lateness p99 ${us(figures.latenessP99).padStart(7)}  sent ${String(figures.sent).padStart(6)}  ` +
    `dropped ${String(figures.dropped).padStart(5)}  cpu ${figures.cpu.toFixed(0).padStart(3)}%  ` +
    `rq wait ${figures.runQueueWaitMs === undefined ? '?' : `${figures.runQueueWaitMs.toFixed(1)}ms`}  ` +
    `before: others ${(figures.machine.busy * 100).toFixed(0).padStart(2)}% load ${figures.machine.loadAverage.toFixed(2)}` +
    (figures.machine.reason === undefined ? '' : '  BUSY')
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const range = (values: number[]): string =>
  `${us(Math.min(...values))}–${us(Math.max(...values))}`.padStart(15);
/** The median the target is judged on, and the range of the runs beside it. */
const spread = (values: number[]): string => `${us(median(values))} (${range(values).trim()})`.padStart(24);
const within = (ours: number, reference: number): boolean =>
  Math.abs(ours - reference) <= Math.max(0.1 * reference, 100);

const binary = await buildRefgen();
const target = await startTarget(
  { kind: 'mosquitto', ...(pin === undefined ? {} : { cpus: pin.broker }) },
  { cwd: process.cwd() },
);
const [cpu] = cpus();
log(
  `machine: ${availableParallelism()} cores (${cpu?.model ?? '?'}), load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')} at start; Node ${process.version}; ${target.version ?? 'mosquitto'} at ${target.url}`,
);
log(
  `${runs} run(s) of ${seconds} s per generator and case, alternating (the order flips every run); ` +
    `${PAIRS} pairs, MQTT 5.0, 64-byte payloads, warm-up ${warmup} (both generators); ` +
    `harness: \`harness bench pairs\` from dist/, timer ${timer}${timer === 'auto' ? ` (= ${timerStatus().auto})` : ''}, workers ${workers}`,
);
log(
  pin === undefined
    ? 'placement: none (ACCURACY_PIN unset): Mosquitto and both generators run where the scheduler puts them'
    : `placement (ACCURACY_PIN): broker CPUs ${target.cpus ?? '?'} · generator CPUs ${pin.generator} ` +
        "(refgen's process under taskset; the harness's worker threads with --generator-cpus, its main thread unpinned)",
);
/** ACCURACY_PIN: unset or 0 none; 1 the first and last allowed CPUs; BROKER:GENERATOR CPU lists. */
function pinning(setting: string | undefined): { broker: string; generator: string } | undefined {
  if (setting === undefined || setting === '' || setting === '0') return undefined;
  if (setting === '1') {
    const allowed = allowedCpus() ?? [];
    if (allowed.length < 2) throw new Error('ACCURACY_PIN=1 needs two CPUs this process may use');
    return { broker: String(allowed[0]), generator: String(allowed.at(-1)) };
  }
  const [broker, generator, ...rest] = setting.split(':');
  if (broker === undefined || generator === undefined || rest.length > 0)
    throw new Error(`ACCURACY_PIN is 1 or BROKER:GENERATOR CPU lists (e.g. 0:1), got '${setting}'`);
  return {
    broker: checkCpuList(broker, 'ACCURACY_PIN broker'),
    generator: checkCpuList(generator, 'ACCURACY_PIN generator'),
  };
}

const busyRuns: string[] = [];
const summary: string[] = [];
let met = true;
try {
  for (const qos of qosList) {
    for (const rate of rates) {
      const ours: Figures[] = [];
      const theirs: Figures[] = [];
      process.stdout.write(`\nQoS ${qos}, ${rate} msg/s\n`);
      for (let index = 0; index < runs; index++) {
        const nativeFirst = index % 2 === 0;
        for (const which of nativeFirst ? ['native', 'harness'] : ['harness', 'native']) {
          const figures =
            which === 'native'
              ? await nativeRun(binary, target, rate, qos)
              : await harnessRun(target, rate, qos, index);
          (which === 'native' ? theirs : ours).push(figures);
          if (figures.machine.reason !== undefined)
            busyRuns.push(`QoS ${qos} ${rate}/s ${which} run ${index + 1}: ${figures.machine.reason}`);
          process.stdout.write(`  ${row(which, figures)}\n`);
        }
      }
      const pick = (list: Figures[], key: Exclude<keyof Figures, 'machine' | 'runQueueWaitMs'>): number[] =>
        list.map((figures) => figures[key]);
      const waits = (list: Figures[]): string => {
        const known = list.flatMap((figures) =>
          figures.runQueueWaitMs === undefined ? [] : [figures.runQueueWaitMs],
        );
        return known.length === 0 ? '?' : `${median(known).toFixed(1)}ms`;
      };
      const okP50 = within(median(pick(ours, 'p50')), median(pick(theirs, 'p50')));
      const okP99 = within(median(pick(ours, 'p99')), median(pick(theirs, 'p99')));
      const droppedOk = rate < 20_000 || pick(ours, 'dropped').every((count) => count === 0);
      met &&= okP50 && okP99 && droppedOk;
      summary.push(
        `QoS ${qos} ${String(rate).padStart(6)}/s  native p50 ${spread(pick(theirs, 'p50'))} p99 ${spread(pick(theirs, 'p99'))} p99.9 ${range(pick(theirs, 'p999'))}  dropped ${pick(theirs, 'dropped').join('/')}  rq wait ${waits(theirs)}\n` +
          `                harness p50 ${spread(pick(ours, 'p50'))} p99 ${spread(pick(ours, 'p99'))} p99.9 ${range(pick(ours, 'p999'))}  dropped ${pick(ours, 'dropped').join('/')}  rq wait ${waits(ours)}\n` +
          `                ratio (medians) p50 ${(median(pick(ours, 'p50')) / median(pick(theirs, 'p50'))).toFixed(2)} ${okP50 ? 'ok' : 'MISS'}` +
          `  p99 ${(median(pick(ours, 'p99')) / median(pick(theirs, 'p99'))).toFixed(2)} ${okP99 ? 'ok' : 'MISS'}` +
          `  p99.9 ${(median(pick(ours, 'p999')) / median(pick(theirs, 'p999'))).toFixed(2)}` +
          `  cpu ${median(pick(ours, 'cpu')).toFixed(0)}% vs ${median(pick(theirs, 'cpu')).toFixed(0)}%${droppedOk ? '' : '  DROPPED SENDS'}`,
      );
    }
  }
} finally {
  await target.stop();
  rmSync(scratch, { recursive: true, force: true });
}
const busyCheck =
  `busy check: each run started after 1 s of rest in which other work took more than ${BUSY_SHARE * 100} % of the ` +
  `cores or the hypervisor stole more than ${STEAL_SHARE * 100} %`;
process.stdout.write(
  `\nSummary (per case: the median of the runs' percentiles, judged against the target, and the runs' range; ${runs} run(s) each; load average now ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}):\n${summary.join('\n')}\n` +
    `target (harness p50 and p99 within max(10 %, 100 µs) of native, 0 dropped at 20k/s): ${met ? 'met' : 'NOT met'}\n` +
    (busyRuns.length === 0
      ? `${busyCheck}: none did (the machine was quiet)\n`
      : `${busyCheck}: ${busyRuns.length} of ${runs * 2 * rates.length * qosList.length} did; their figures say more about the machine than about the generators:\n  ${busyRuns.join('\n  ')}\n`),
);
