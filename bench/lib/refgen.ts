// The native reference generator (native/reference-generator/refgen.c): built with the machine's C
// compiler when needed, run as a child process with a time limit, its JSON report parsed.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { onCpus } from '../../harness/placement/index.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REFGEN_SOURCE = join(ROOT, 'native', 'reference-generator', 'refgen.c');
export const REFGEN_BINARY = join(ROOT, 'native', 'reference-generator', 'build', 'refgen');

export interface RefgenPercentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface RefgenReport {
  generator: 'refgen';
  rate: number;
  qos: number;
  pairs: number;
  mqtt: number;
  intended: number;
  sent: number;
  dropped: number;
  received: number;
  foreign: number;
  /** The warm-up's messages (--warmup-ms), in none of the figures above. */
  warmup?: { intended: number; sent: number; dropped: number; received: number };
  latencyUs: RefgenPercentiles;
  serviceUs: RefgenPercentiles;
  latenessUs: RefgenPercentiles;
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  /** The thread's run-queue wait over the measured schedule, ms (absent where schedstat is unreadable). */
  runQueueWaitMs?: number;
}

export interface RefgenOptions {
  host?: string;
  port: number;
  rate: number;
  qos: 0 | 1;
  pairs: number;
  durationMs: number;
  size?: number;
  mqtt?: 4 | 5;
  prefix?: string;
  /** A warm-up at the same rate before the measured duration, counted apart (default 0). */
  warmupMs?: number;
  /** The CPUs refgen runs on (a Linux CPU list, through taskset); default: wherever the scheduler puts it. */
  cpus?: string;
}

/** Compiles refgen.c with the machine's C compiler (cc, or $CC) into `output`; returns `output`. */
export async function buildRefgen(
  output = REFGEN_BINARY,
  compiler = process.env['CC'] ?? 'cc',
): Promise<string> {
  mkdirSync(dirname(output), { recursive: true });
  await run(compiler, ['-O2', '-Wall', '-Wextra', '-o', output, REFGEN_SOURCE], { timeout: 60_000 });
  return output;
}

/** One refgen run; rejects with its stderr when it fails or outlives the schedule by a minute. */
export async function runRefgen(binary: string, options: RefgenOptions): Promise<RefgenReport> {
  const args = [
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port),
    '--rate',
    String(options.rate),
    '--qos',
    String(options.qos),
    '--pairs',
    String(options.pairs),
    '--duration-ms',
    String(options.durationMs),
    '--size',
    String(options.size ?? 64),
    '--mqtt',
    String(options.mqtt ?? 5),
    '--prefix',
    options.prefix ?? `refgen${process.pid}x${Date.now().toString(36)}`,
    '--warmup-ms',
    String(options.warmupMs ?? 0),
  ];
  const command = options.cpus === undefined ? { command: binary, args } : onCpus(options.cpus, binary, args);
  const { stdout } = await run(command.command, command.args, {
    timeout: (options.warmupMs ?? 0) + options.durationMs + 60_000,
  });
  return parseRefgenReport(stdout);
}

export function parseRefgenReport(stdout: string): RefgenReport {
  const report = JSON.parse(stdout.trim()) as RefgenReport;
  if (report.generator !== 'refgen' || typeof report.latencyUs?.p50 !== 'number')
    throw new Error(`refgen printed something else: ${stdout.slice(0, 200)}`);
  return report;
}
