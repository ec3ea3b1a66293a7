// 100,000 concurrent connections held against the reference broker (a child process), spread over
// several loopback source addresses (127.0.0.x) so the ephemeral ports suffice. Reports connect
// latency and the memory of both sides. Every connection is a file descriptor on each side: the
// open-files limit is raised in the child shells when the hard limit allows; when it does not, the
// bench says so and holds as many connections as the limit permits.
//   npm run bench:connections   (CONNECTIONS=100000 CONNECT_RATE=5000 HOLD_SECONDS=5)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoadScenario } from '../harness/load/index.js';
import { spawnChild } from './lib/child.js';
import { freePort, waitForPort } from './lib/ports.js';
import { asTarget, log, mib } from './load-common.js';

const wanted = Number(process.env['CONNECTIONS'] ?? 100_000);
const connectRate = Number(process.env['CONNECT_RATE'] ?? 5000);
const holdSeconds = Number(process.env['HOLD_SECONDS'] ?? 5);
const FD_MARGIN = 300; // listeners, pipes, libraries

function shellLimit(script: string): string {
  try {
    return execFileSync('bash', ['-c', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch (error) {
    return `failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

const hard = Number(shellLimit('ulimit -Hn'));
const canRaise = !shellLimit(`ulimit -n ${wanted + FD_MARGIN} && echo ok`).startsWith('failed');
const soft = Number(shellLimit('ulimit -Sn'));
// This process holds the client ends: its own soft limit counts too (it cannot raise itself).
const connections = canRaise
  ? Math.min(wanted, soft - FD_MARGIN)
  : Math.min(wanted, hard - FD_MARGIN, soft - FD_MARGIN);
const notes: string[] = [];
if (!canRaise)
  notes.push(
    `open-files hard limit is ${hard} and cannot be raised here (no CAP_SYS_RESOURCE): holding ${connections} connections instead of ${wanted}`,
  );
else if (connections < wanted)
  notes.push(
    `run the bench from a shell with 'ulimit -n ${wanted + FD_MARGIN}' to hold ${wanted} (this process has ${soft})`,
  );

// BROKER=mosquitto runs the same load against Mosquitto (to tell generator limits from broker limits).
const brokerName = process.env['BROKER'] === 'mosquitto' ? 'mosquitto' : 'reference';
const port = await freePort();
const brokerScript = fileURLToPath(new URL('./lib/serve-ours.ts', import.meta.url));
const raise = canRaise ? `ulimit -n ${wanted + FD_MARGIN} && ` : '';
const configFile = join(mkdtempSync(join(tmpdir(), 'conn-bench-')), 'mosquitto.conf');
writeFileSync(
  configFile,
  [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'max_connections -1',
    'log_dest none',
    '',
  ].join('\n'),
);
const command =
  brokerName === 'mosquitto'
    ? `exec /usr/sbin/mosquitto -c "${configFile}"`
    : `exec "${process.execPath}" --import tsx "${brokerScript}" ${port}`;
const child = spawnChild('bash', ['-c', `${raise}${command}`]);
let ourRssMax = 0;
const rssTimer = setInterval(() => (ourRssMax = Math.max(ourRssMax, process.memoryUsage().rss)), 250);
try {
  await waitForPort(port, '127.0.0.1', 20_000);
  const target = asTarget({
    name: brokerName,
    host: '127.0.0.1',
    port,
    pid: child.process.pid,
    close: () => child.stop(),
  });
  const rampSeconds = connections / connectRate;
  log(
    `${brokerName} broker pid ${child.process.pid} on ${port}; ${connections} connections at ${connectRate}/s, each held ${Math.ceil(rampSeconds + holdSeconds)} s`,
  );
  const result = await runLoadScenario(
    {
      executor: 'connection-storm',
      connections,
      connectRate,
      hold: Math.ceil((rampSeconds + holdSeconds) * 1000),
      drainTimeout: 1000,
    },
    {
      endpoint: target.endpoint,
      target,
      profile: 'none',
      mqttVersion: '3.1.1',
      signal: AbortSignal.timeout(Math.ceil((rampSeconds + holdSeconds) * 1000) + 120_000),
      name: 'connections',
    },
  );
  const c = result.connections;
  const connect = result.connectLatency?.percentiles;
  process.stdout.write(
    [
      `connections   requested ${wanted}  attempted ${c?.attempted}  connected ${c?.connected}  failed ${c?.failed}  held at once ${c?.peak}`,
      `connect time  p50 ${((connect?.p50 ?? 0) / 1000).toFixed(1)} ms  p99 ${((connect?.p99 ?? 0) / 1000).toFixed(1)} ms  max ${((connect?.max ?? 0) / 1000).toFixed(1)} ms`,
      `memory        broker RSS max ${mib(result.broker?.rssMaxBytes ?? 0)} (${((result.broker?.rssMaxBytes ?? 0) / Math.max(1, c?.peak ?? 1) / 1024).toFixed(1)} KiB/conn)  load generator RSS max ${mib(ourRssMax)} (${(ourRssMax / Math.max(1, c?.peak ?? 1) / 1024).toFixed(1)} KiB/conn)`,
      `cpu           broker ${result.broker?.cpuPercent}%  generator ${result.generator.cpuPercent}% (${result.generator.workers} workers)`,
      `source addrs  ${Math.ceil(connections / 25_000)} (127.0.0.1 …; at most 25,000 connections each)`,
      ...notes.map((note) => `note          ${note}`),
      ...(result.errorMessages ?? []).slice(0, 5).map((message) => `error         ${message}`),
      '',
    ].join('\n'),
  );
} finally {
  clearInterval(rssTimer);
  await child.stop();
}
