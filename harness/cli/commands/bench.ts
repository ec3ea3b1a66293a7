// `harness bench <preset> --target ...`: emqtt-bench-like presets over the load engine.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatLoadResult } from '../../load/format.js';
import {
  LoadConfigError,
  PRESETS,
  runBenchPreset,
  type BenchOptions,
  type BenchPreset,
} from '../../load/index.js';
import type { LoadProgress, Reporter } from '../../reporters/types.js';
import { RESULT_SCHEMA_VERSION, type LoadResult, type RunResult } from '../../result/model.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';

const HELP = `Usage: harness bench <${PRESETS.join('|')}> [options]

Presets: fanin (N publishers → 1 wildcard subscriber), fanout (1 publisher → N subscribers),
pairs (N publisher/subscriber pairs), conn-storm (connect, hold, disconnect), retained
(retained publishes, cleared afterwards).

Options:
  --target SPEC        reference (default), mosquitto, aedes, mqtt://host:port, or a configured target
  --mqtt VERSION       3.1.1 or 5.0 (default 5.0)
  --qos N              0, 1 or 2 (default 0)
  --rate N|max         messages per second for the whole run (default 1000); max = closed loop
  --size BYTES         payload size (default 64, at least 20)
  --publishers N       --subscribers N   client counts (defaults depend on the preset)
  --duration D         e.g. 10s (default 10s)
  --window N           closed loop: messages in flight per publisher (default 10)
  --max-inflight N     open loop: unacknowledged messages per publisher before sends are dropped
  --workers N|auto     worker threads (default auto = one per core; 0 = in this thread)
  --connections N      conn-storm: connections (default 1000)
  --conn-rate N        connections per second (conn-storm default 500)
  --hold D             conn-storm: how long each connection stays (default 2s)
  --threshold EXPR     e.g. 'p99 < 20ms', 'lost == 0', 'rate >= 10000' (repeatable)
  --json FILE          write the LoadResult as JSON (input for 'harness merge')
  --reporter NAMES     comma-separated reporters (list, json, junit, markdown, html)
  --output-dir DIR     directory for file reporters
  -h, --help
`;

export const command: CommandModule = {
  summary: 'load presets: fanin, fanout, pairs, conn-storm, retained',
  async run(argv: string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          target: { type: 'string', default: 'reference' },
          mqtt: { type: 'string', default: '5.0' },
          qos: { type: 'string' },
          rate: { type: 'string' },
          size: { type: 'string' },
          publishers: { type: 'string' },
          subscribers: { type: 'string' },
          duration: { type: 'string' },
          window: { type: 'string' },
          'max-inflight': { type: 'string' },
          workers: { type: 'string' },
          connections: { type: 'string' },
          'conn-rate': { type: 'string' },
          hold: { type: 'string' },
          threshold: { type: 'string', multiple: true },
          json: { type: 'string' },
          reporter: { type: 'string' },
          'output-dir': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      return usage(io, error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    const preset = positionals[0];
    if (preset === undefined || !(PRESETS as readonly string[]).includes(preset))
      return usage(io, `give a preset: ${PRESETS.join(', ')}`);
    if (values.mqtt !== '3.1.1' && values.mqtt !== '5.0') return usage(io, '--mqtt must be 3.1.1 or 5.0');
    const errors: string[] = [];
    const int = (name: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0) errors.push(`--${name} must be a non-negative number`);
      return value;
    };
    const qos = int('qos', values.qos);
    if (qos !== undefined && qos !== 0 && qos !== 1 && qos !== 2) errors.push('--qos must be 0, 1 or 2');
    const options: BenchOptions = {
      ...(qos === undefined ? {} : { qos: qos as 0 | 1 | 2 }),
      ...(values.rate === 'max' ? { max: true } : optional('rate', int('rate', values.rate))),
      ...optional('size', int('size', values.size)),
      ...optional('publishers', int('publishers', values.publishers)),
      ...optional('subscribers', int('subscribers', values.subscribers)),
      ...(values.duration === undefined ? {} : { duration: values.duration }),
      ...optional('window', int('window', values.window)),
      ...optional('maxInflight', int('max-inflight', values['max-inflight'])),
      ...(values.workers === undefined
        ? {}
        : { workers: values.workers === 'auto' ? 'auto' : (int('workers', values.workers) ?? 0) }),
      ...optional('connections', int('connections', values.connections)),
      ...optional('connectRate', int('conn-rate', values['conn-rate'])),
      ...(values.hold === undefined ? {} : { hold: values.hold }),
      ...(values.threshold === undefined ? {} : { thresholds: values.threshold }),
    };
    if (errors.length > 0) return usage(io, errors.join('; '));

    const { startTarget } = await import('../../targets/index.js');
    let target;
    try {
      target = await startTarget(values.target, { cwd: io.cwd, signal: io.signal });
    } catch (error) {
      io.stderr.write(`harness bench: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    const reporter = await makeReporter(values.reporter, values['output-dir'], io);
    if (reporter instanceof Error) {
      await target.stop();
      return usage(io, reporter.message);
    }
    const started = Date.now();
    let result: LoadResult;
    try {
      reporter?.onBegin?.({ targets: [target.name], profiles: ['none'], total: 1 });
      result = await runBenchPreset(preset as BenchPreset, options, {
        endpoint: target.endpoint,
        target,
        profile: 'none',
        mqttVersion: values.mqtt,
        signal: io.signal,
        onProgress: (progress) => {
          reporter?.onLoadProgress?.(progress);
          if (io.isTTY && reporter === undefined) io.stderr.write(`\r${progressLine(progress)}`);
        },
      });
    } catch (error) {
      if (error instanceof LoadConfigError) {
        io.stderr.write(`harness bench: ${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    } finally {
      if (io.isTTY && reporter === undefined) io.stderr.write('\r\x1b[K');
      await target.stop();
    }
    if (values.json !== undefined)
      await writeFile(resolve(io.cwd, values.json), `${JSON.stringify(result, null, 2)}\n`);
    if (reporter) {
      reporter.onLoadEnd?.(result);
      await reporter.onEnd?.(runResult(result, target, started));
    } else io.stdout.write(formatLoadResult(result));
    return result.verdict === 'passed' ? EXIT.ok : EXIT.failed;
  },
};

function optional<K extends keyof BenchOptions>(
  key: K,
  value: BenchOptions[K] | undefined,
): Partial<BenchOptions> {
  return value === undefined ? {} : { [key]: value };
}

function progressLine(progress: LoadProgress): string {
  const p99 = progress.p99Us >= 1000 ? `${(progress.p99Us / 1000).toFixed(1)}ms` : `${progress.p99Us}µs`;
  return `${(progress.elapsedMs / 1000).toFixed(0)}s  sent ${progress.sentPerSec}/s  received ${progress.receivedPerSec}/s  p99 ${p99}  errors ${progress.errors}\x1b[K`;
}

async function makeReporter(
  names: string | undefined,
  outputDir: string | undefined,
  io: CliIO,
): Promise<Reporter | Error | undefined> {
  if (names === undefined) return undefined;
  try {
    const { createReporter } = await import('../../reporters/index.js');
    return createReporter(
      names
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
      {
        stdout: io.stdout,
        stderr: io.stderr,
        isTTY: io.isTTY,
        env: io.env,
        ...(outputDir === undefined ? {} : { outputDir: resolve(io.cwd, outputDir) }),
      },
    );
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function runResult(
  load: LoadResult,
  target: { name: string; kind: string; url: string; version?: string },
  started: number,
): RunResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'mqtt-harness', version: '0.1.0' },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets: [
      {
        name: target.name,
        kind: target.kind,
        url: target.url,
        ...(target.version === undefined ? {} : { version: target.version }),
      },
    ],
    profiles: [{ name: 'none' }],
    scenarios: [],
    loads: [load],
    summary: {
      total: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      warnings: 0,
      deviations: 0,
      loadsFailed: load.verdict === 'failed' ? 1 : 0,
    },
  };
}

function usage(io: CliIO, message: string): number {
  io.stderr.write(`harness bench: ${message}\n\n${HELP}`);
  return EXIT.usage;
}
