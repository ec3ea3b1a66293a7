// `harness fuzz --target SPEC --seconds N`: the structured fuzzer and abuser (harness/fuzz/,
// docs/fuzz.md) against one target. `reference` runs as a broker process of its own here, so a
// crash does not take the fuzzer down and its RSS and open files can be read.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PHASE_NAMES, replayCases, runFuzz, type PhaseName } from '../../fuzz/index.js';
import { REFERENCE_PROCESS, startTarget, type StartedTarget } from '../../targets/index.js';
import { reportError } from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';

const HELP = `Usage: harness fuzz --target SPEC [--seconds N] [options]
       harness fuzz --target SPEC --replay DIR

Fuzzes and abuses one broker: generated and mutated packets of every type (MQTT 3.1.1 and 5.0),
slowloris, connection floods, stalled subscribers, many wills, retained floods. A health probe
(connect, subscribe, publish, receive) runs during and after each phase; a broker started here has
its RSS and open files checked. Every failure saves a reproducer under the output dir.

Options:
  -t, --target SPEC     reference (run as a process of its own), mosquitto, aedes, rabbitmq,
                        activemq, ejabberd, or a URL (default: reference)
  -s, --seconds N       length of the run (default 60); stalled subscribers are held >= 60 s
                        once N >= 300
      --seed N          random seed (default: random; printed, and saved with every failure)
      --phase NAME      only this phase (repeatable): ${PHASE_NAMES.join(', ')}
  -o, --output-dir DIR  where fuzz-result.json and reproducers go (default: reports/fuzz)
      --max-rss-mb N    the broker's RSS limit (default 1024)
      --probe-timeout MS  a health probe fails after this long (default 10000)
      --replay DIR      send the packet cases a failure saved (DIR/cases.json) and probe
  -h, --help            show this help

Exit codes: 0 no failure, 1 a failure (reproducers saved), 2 usage, 3 internal error.
`;

interface FuzzSettings {
  spec: string;
  seconds: number;
  seed: number;
  maxRssMb: number;
  probeTimeoutMs: number;
  phases: PhaseName[];
  outputDir: string;
  replay?: string;
}

async function fuzzCommand(argv: string[], io: CliIO): Promise<number> {
  const settings = parseFuzzArgs(argv, io);
  if (typeof settings === 'number') return settings;
  let target: StartedTarget | undefined;
  try {
    const { spec } = settings;
    target = await startTarget(spec === 'reference' ? REFERENCE_PROCESS : spec, {
      cwd: io.cwd,
      signal: io.signal,
    });
    if (spec === 'reference') target.name = 'reference';
    io.stdout.write(
      `fuzz: ${target.name} ${target.version ?? ''} at ${target.url}${target.pid === undefined ? '' : ` (pid ${target.pid})`}\n`,
    );
    if (settings.replay !== undefined) {
      const replay = await replayCases(target, resolve(io.cwd, settings.replay), settings.probeTimeoutMs);
      io.stdout.write(
        `replayed ${replay.cases} cases: ${replay.passed ? 'passed' : 'FAILED'}: ${replay.message}\n`,
      );
      return replay.passed ? EXIT.ok : EXIT.failed;
    }
    return await fuzzAndSave(target, settings, io);
  } catch (error) {
    return reportError('fuzz', error, io.stderr);
  } finally {
    await target?.stop();
  }
}

/** The settings, or the exit code when the arguments are wrong or help was asked for. */
function parseFuzzArgs(argv: string[], io: CliIO): FuzzSettings | number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: 'string', short: 't' },
        seconds: { type: 'string', short: 's' },
        seed: { type: 'string' },
        phase: { type: 'string', multiple: true },
        'output-dir': { type: 'string', short: 'o' },
        'max-rss-mb': { type: 'string' },
        'probe-timeout': { type: 'string' },
        replay: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`harness fuzz: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const seconds = Number(values.seconds ?? 60);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const maxRssMb = Number(values['max-rss-mb'] ?? 1024);
  const probeTimeoutMs = Number(values['probe-timeout'] ?? 10_000);
  const phases = values.phase ?? [...PHASE_NAMES];
  const unknown = phases.filter((phase) => !(PHASE_NAMES as readonly string[]).includes(phase));
  const bad = [
    !(seconds > 0) && '--seconds must be a positive number',
    !Number.isInteger(seed) && '--seed must be an integer',
    !(maxRssMb > 0) && '--max-rss-mb must be a positive number',
    !(probeTimeoutMs > 0) && '--probe-timeout must be a positive number',
    unknown.length > 0 && `unknown phase ${unknown.join(', ')} (use ${PHASE_NAMES.join(', ')})`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (bad.length > 0) {
    io.stderr.write(`harness fuzz: ${bad.join('; ')}\n\n${HELP}`);
    return EXIT.usage;
  }
  return {
    spec: values.target ?? 'reference',
    seconds,
    seed,
    maxRssMb,
    probeTimeoutMs,
    phases: phases as PhaseName[],
    outputDir: resolve(io.cwd, values['output-dir'] ?? 'reports/fuzz'),
    ...(values.replay !== undefined && { replay: values.replay }),
  };
}

/** Runs the phases and writes fuzz-result.json; the exit code. */
async function fuzzAndSave(target: StartedTarget, settings: FuzzSettings, io: CliIO): Promise<number> {
  const { seconds, seed, phases, outputDir } = settings;
  io.stdout.write(`fuzz: seed ${seed}, ${seconds} s, phases ${phases.join(', ')}\n`);
  const result = await runFuzz({
    target,
    seconds,
    seed,
    outputDir,
    phases,
    maxRssMb: settings.maxRssMb,
    probeTimeoutMs: settings.probeTimeoutMs,
    signal: io.signal,
    onEvent: (line) => io.stdout.write(`${line}\n`),
  });
  await mkdir(outputDir, { recursive: true });
  const file = join(outputDir, 'fuzz-result.json');
  await writeFile(file, `${JSON.stringify({ ...result, version: target.version }, null, 2)}\n`);
  const verdict = result.passed ? 'passed' : `FAILED (${result.failures.length} failure(s))`;
  io.stdout.write(`fuzz ${verdict}; result: ${file}\n`);
  if (io.signal.aborted) return EXIT.failed;
  return result.passed ? EXIT.ok : EXIT.failed;
}

export const command: CommandModule = {
  summary: 'fuzz and abuse one broker (packets, slowloris, floods, stalled subscribers, wills, retained)',
  run: fuzzCommand,
};
