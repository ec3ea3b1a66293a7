// 100,000 concurrent MQTT connections from one host, past the per-process open-files limit
// (`ulimit -Hn` 20,000 here, no CAP_SYS_RESOURCE): the load runs as `harness run --processes 6`
// (six shard processes, ~16,700 connections each, each on source addresses 127.0.0.x of its own, one
// per 4,000 connections: the kernel's free-port search on a bound address slows every connect above
// ~8,000 on it) against a pool of six broker processes
// (`mqtt://127.0.0.1:p1,…,p6`, clients round-robin: ~16,700 connections each, also under the limit).
// Every connection holds with a keep alive (a PINGREQ per interval) until all are open, then some
// more. The same run against six Mosquitto processes is the peer. Prints, per broker: connect
// p50/p99, connections held at once (the generator's count and the brokers' open descriptors),
// failures, RSS of the generator processes and of the brokers (total and per connection), and the
// merged verdict. The reference brokers log at level info to a file each: the bench counts why they
// closed connections ('no CONNECT in time', 'keep-alive timeout', ...), and prints each broker's CPU.
// A run lasts about 2 × CONNECTIONS / CONNECT_RATE + HOLD_SECONDS per broker kind (each connection
// holds until every one was due, then HOLD_SECONDS more).
//   npm run bench:connections
//   CONNECTIONS=100000 PROCESSES=6 BROKERS=6 CONNECT_RATE=1000 HOLD_SECONDS=30 KEEP_ALIVE=30 BROKER_KINDS=reference,mosquitto
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult, RunResult } from '../harness/result/index.js';
import { spawnChild, type Child } from './lib/child.js';
import { MOSQUITTO_BIN } from './lib/mosquitto.js';
import { freePort, waitForPort } from './lib/ports.js';
import { sampleTrees, type TreePeaks } from './lib/process-tree.js';
import { log, mib } from './load-common.js';

const connections = Number(process.env['CONNECTIONS'] ?? 100_000);
const processes = Number(process.env['PROCESSES'] ?? 6);
const brokerCount = Number(process.env['BROKERS'] ?? 6);
// 1000/s: at 2000/s the twelve processes (six shards, six brokers) overloaded two cores (docs/load.md).
const connectRate = Number(process.env['CONNECT_RATE'] ?? 1000);
const holdSeconds = Number(process.env['HOLD_SECONDS'] ?? 30);
const keepAlive = Number(process.env['KEEP_ALIVE'] ?? 30);
// BROKER_KINDS=reference alone, or mosquitto alone; the first is the one the ratio line divides.
const kinds = (process.env['BROKER_KINDS'] ?? 'reference,mosquitto').split(',');
const FD_MARGIN = 300; // listeners, pipes, worker threads, libraries

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = join(root, 'bin', 'harness.js');
const hardLimit = Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
/** Every child raises its soft open-files limit to the hard one (it cannot go further). */
const raise = 'ulimit -n "$(ulimit -Hn)" && exec ';

interface Outcome {
  broker: string;
  load: LoadResult;
  generator: TreePeaks;
  brokers: TreePeaks;
  brokerPids: number[];
  /** CPU seconds (user + system) each broker process used, read just before it was stopped. */
  brokerCpu: number[];
  /** Why the brokers closed connections (reference brokers' log lines at level info), by message. */
  brokerCloses: Map<string, number>;
  wallSeconds: number;
}

/** CPU seconds (user + system) of a live process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** Counts the brokers' log lines ("<time> <level>  <message> {fields}") by message, but 'listening on'. */
function closeReasons(logs: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of logs) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^\S+ (\w+) +([^{]*)/.exec(line);
      if (match === null) continue;
      const message = `${match[1]} ${match[2]!.trim()}`;
      if (message.startsWith('info listening on')) continue;
      counts.set(message, (counts.get(message) ?? 0) + 1);
    }
  }
  return counts;
}

async function startBrokers(
  kind: string,
  dir: string,
): Promise<{ children: Child[]; ports: number[]; logs: string[] }> {
  const children: Child[] = [];
  const ports: number[] = [];
  const logs: string[] = [];
  try {
    for (let index = 0; index < brokerCount; index++) {
      const port = await freePort();
      let command: string;
      if (kind === 'mosquitto') {
        if (MOSQUITTO_BIN === undefined) throw new Error('mosquitto is not installed');
        const config = join(dir, `mosquitto-${index}.conf`);
        writeFileSync(
          config,
          [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_connections -1']
            .concat(['log_dest none', ''])
            .join('\n'),
        );
        command = `"${MOSQUITTO_BIN}" -c "${config}"`;
      } else {
        // Level info: only the unusual (no CONNECT in time, keep-alive timeout, malformed packet...).
        const logFile = join(dir, `broker-${index}.log`);
        logs.push(logFile);
        command = `"${process.execPath}" "${cli}" broker --port ${port} --log-level info > "${logFile}" 2>&1`;
      }
      const child = spawnChild('bash', ['-c', raise + command]);
      children.push(child);
      ports.push(port);
      await waitForPort(port, '127.0.0.1', 20_000);
    }
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    throw error;
  }
  return { children, ports, logs };
}

async function runOnce(kind: string): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), `conn-bench-${kind}-`));
  const { children, ports, logs } = await startBrokers(kind, dir);
  const brokerPids = children.map((child) => child.process.pid!);
  const rampSeconds = connections / connectRate;
  const hold = Math.ceil(rampSeconds + holdSeconds);
  const scenario = join(dir, 'connections.yaml');
  writeFileSync(
    scenario,
    [
      'name: connections',
      'load:',
      '  executor: connection-storm',
      `  connections: ${connections}`,
      `  connectRate: ${connectRate}`,
      `  hold: ${hold}s`,
      `  keepAlive: ${keepAlive}`,
      "  thresholds: ['errors == 0']",
      '',
    ].join('\n'),
  );
  const pool = `mqtt://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`;
  const output = join(dir, 'out');
  const args = [cli, 'run', scenario, '-t', pool, '--processes', String(processes)];
  args.push('-r', 'json', '-o', output, '--inconclusive', 'warn');
  log(
    `${kind}: ${brokerCount} brokers (pids ${brokerPids.join(' ')}), ${connections} connections from ${processes} processes at ${connectRate}/s, each held ${hold} s with keep alive ${keepAlive} s`,
  );
  const brokers = sampleTrees(() => brokerPids, { withChildren: false, countFiles: true });
  const started = performance.now();
  const generator = spawn(
    'bash',
    ['-c', `${raise}"${process.execPath}" ${args.map((a) => `"${a}"`).join(' ')}`],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const generatorTree = sampleTrees(() => [generator.pid!], { withChildren: true, countFiles: true });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  generator.stdout.on('data', keep);
  generator.stderr.on('data', keep);
  const code = await new Promise<number>((resolve) =>
    generator.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 3 : 1))),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const generatorPeaks = generatorTree.stop();
  const brokerPeaks = brokers.stop();
  const brokerCpu = brokerPids.map(cpuSeconds);
  await Promise.all(children.map((child) => child.stop(5000)));
  const brokerCloses = closeReasons(logs);
  let result: RunResult;
  try {
    result = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')) as RunResult;
  } catch (error) {
    throw new Error(`the generator (exit ${code}) left no result: ${(error as Error).message}\n${tail}`, {
      cause: error,
    });
  }
  const load = result.loads[0];
  if (load === undefined) throw new Error(`no load in the result (exit ${code})\n${tail}`);
  if (process.env['KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
  return {
    broker: kind,
    load,
    generator: generatorPeaks,
    brokers: brokerPeaks,
    brokerPids,
    brokerCpu,
    brokerCloses,
    wallSeconds,
  };
}

function report(outcome: Outcome): string {
  const { load } = outcome;
  const c = load.connections ?? { attempted: 0, connected: 0, failed: 0, peak: 0 };
  const connect = load.connectLatency?.percentiles;
  const ms = (us: number | undefined): string => `${((us ?? 0) / 1000).toFixed(1)} ms`;
  const perConnection = (bytes: number): string =>
    `${(bytes / Math.max(1, c.peak) / 1024).toFixed(1)} KiB/conn`;
  const brokerFiles = outcome.brokerPids.map((pid) => outcome.brokers.filesEach.get(pid) ?? 0);
  const brokerRss = outcome.brokerPids.map((pid) => outcome.brokers.rssEach.get(pid) ?? 0);
  const generatorFiles = [...outcome.generator.filesEach.values()];
  return [
    `== ${outcome.broker}: ${brokerCount} broker processes, generator --processes ${processes}`,
    `connections   attempted ${c.attempted}  connected ${c.connected}  failed ${c.failed}  held at once ${c.peak} (sum of the shards' peaks)`,
    `              broker side: open descriptors peak ${outcome.brokers.filesSum} in all, per broker ${brokerFiles.join(' ')} (limit ${hardLimit} each)`,
    `              generator side: open descriptors peak ${outcome.generator.filesSum} in all, the largest process ${Math.max(...generatorFiles)}`,
    `connect time  p50 ${ms(connect?.p50)}  p99 ${ms(connect?.p99)}  max ${ms(connect?.max)}  (TCP + CONNECT→CONNACK from the intended start; ${connect?.count ?? 0} samples)`,
    `memory        brokers RSS peak ${mib(outcome.brokers.rssSum)} (${perConnection(outcome.brokers.rssSum)}; per broker ${brokerRss.map((b) => mib(b)).join(', ')})`,
    `              generator RSS peak ${mib(outcome.generator.rssSum)} over ${outcome.generator.rssEach.size} processes (${perConnection(outcome.generator.rssSum)})`,
    `cpu           generator ${Math.round(load.generator.cpuPercent)}% of a core (${load.generator.workers} workers in all), event-loop lag p99 ${load.generator.eventLoopLagP99Ms.toFixed(0)} ms; brokers ${outcome.brokerCpu.map((s) => s.toFixed(1)).join(' ')} s each`,
    ...(outcome.broker === 'mosquitto'
      ? []
      : [
          `broker log    ${
            [...outcome.brokerCloses.entries()]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 6)
              .map(([message, count]) => `'${message}' ${count}`)
              .join(', ') || 'nothing at level info (no connection closed for a timeout or an error)'
          }`,
        ]),
    `endpoints     ${(load.endpoints ?? []).map((e) => `${e.endpoint.replace('127.0.0.1:', ':')} ${e.connected}/${e.clients}`).join('  ')}`,
    `shards        merged ${load.shards?.merged.length ?? 0}/${load.shards?.count ?? 0}, missing ${load.shards?.missing.length ?? 0}; errors ${load.errors}`,
    `verdict       ${load.verdict}${load.reason === undefined ? '' : ` (${load.reason})`}; wall ${outcome.wallSeconds.toFixed(0)} s`,
    ...(load.errorMessages ?? []).slice(0, 5).map((message) => `error         ${message}`),
  ].join('\n');
}

const perBroker = Math.ceil(connections / brokerCount) + FD_MARGIN;
const perShard = Math.ceil(connections / processes) + FD_MARGIN;
const heading = [
  `open files    hard limit ${hardLimit} per process; need ~${perBroker} per broker, ~${perShard} per shard`,
  `machine       load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}, nice ${getPriority()}`,
];
if (perBroker > hardLimit || perShard > hardLimit)
  heading.push(`warning       over the open-files limit: raise BROKERS or PROCESSES`);
process.stdout.write(`${heading.join('\n')}\n`);
const outcomes: Outcome[] = [];
for (const kind of kinds) {
  const outcome = await runOnce(kind);
  outcomes.push(outcome);
  process.stdout.write(`${report(outcome)}\n`);
}
if (outcomes.length > 1) {
  const [ours, peer] = outcomes;
  const p99 = (o: Outcome): number => o.load.connectLatency?.percentiles.p99 ?? 0;
  process.stdout.write(
    `== ratio (${ours!.broker} / ${peer!.broker}): connect p99 ${(p99(ours!) / Math.max(1, p99(peer!))).toFixed(2)}×, broker RSS ${(ours!.brokers.rssSum / Math.max(1, peer!.brokers.rssSum)).toFixed(2)}×\n`,
  );
}
process.exitCode = outcomes.every(
  (o) =>
    o.load.verdict !== 'failed' &&
    (o.load.connections?.failed ?? 1) === 0 &&
    (o.load.connections?.peak ?? 0) >= connections,
)
  ? 0
  : 1;
