// `npm run matrix`: the whole conformance catalogue and two loads (pairs at QoS 1, fan-out at QoS 0,
// under the `lan` and `lossy-5` profiles) against the six built-in brokers, through the public CLI
// (`harness run|bench … --reporter json`), then docs/matrix.md and docs/matrix.html from the JSON.
// The raw results stay in reports/matrix/ (not committed).
//
// Run: npm run matrix [-- --duration 10s --rate 1000 --skip-run]
//   --skip-run   render the pages again from the results of the last run
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunResult } from '../harness/index.js';
import { readDeviationEntries } from './matrix/deviation-entries.js';
import { renderHtml } from './matrix/html.js';
import { renderMarkdown } from './matrix/markdown.js';
import { buildMatrix, type RunInfo } from './matrix/model.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BROKERS = ['reference', 'mosquitto', 'aedes', 'rabbitmq', 'activemq', 'ejabberd'];
const PROFILES = ['lan', 'lossy-5'];
const LOADS = [
  { id: 'pairs', label: 'Pairs, QoS 1', preset: 'pairs', qos: 1 },
  { id: 'fanout', label: 'Fan-out, QoS 0', preset: 'fanout', qos: 0 },
] as const;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10s' },
    rate: { type: 'string', default: '1000' },
    'out-dir': { type: 'string', default: 'reports/matrix' },
    'skip-run': { type: 'boolean', default: false },
  },
});
const outDir = join(ROOT, values['out-dir']);
const targets = BROKERS.flatMap((broker) => ['-t', broker]);

/** Each step is bounded: the catalogue takes ~4 min and a bench ~3 min on an idle 2-core machine. */
const STEP_LIMIT_MS = 45 * 60_000;
/** How long the CLI may take to exit once it has written its reports. */
const EXIT_GRACE_MS = 60_000;

/**
 * Runs the CLI; exit 0 (all passed) and 1 (something failed, shown in the matrix) are results.
 * A process that wrote its reports but does not exit is ended after EXIT_GRACE_MS and its results
 * are used (seen with `bench` when a broker still had a backlog at the end under `lossy-5`).
 */
function harness(args: string[], notes: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    process.stdout.write(`matrix: harness ${args.join(' ')}\n`);
    const child = spawn(process.execPath, [join(ROOT, 'bin/harness.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let reported = false;
    let hung = false;
    const kill = (signal: NodeJS.Signals, delayMs: number): NodeJS.Timeout =>
      setTimeout(() => child.kill(signal), delayMs);
    const limit = kill('SIGINT', STEP_LIMIT_MS); // the harness stops its brokers on SIGINT
    let grace: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (!reported && /^Reports: /m.test(chunk.toString())) {
        reported = true;
        grace = setTimeout(() => {
          hung = true;
          child.kill('SIGKILL');
        }, EXIT_GRACE_MS);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      if (grace !== undefined) clearTimeout(grace);
      if (hung) {
        const note = `\`harness ${args.slice(0, 2).join(' ')}\` had written its results (its brokers already stopped) but did not exit within ${EXIT_GRACE_MS / 1000} s, so it was ended; its figures are complete`;
        process.stdout.write(`matrix: ${note}\n`);
        notes.push(note);
        resolve(1);
      } else if (code === 0 || code === 1) resolve(code);
      else reject(new Error(`harness ${args[0]} ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}

async function runAll(): Promise<RunInfo> {
  const begin = Date.now();
  const loadAverage = loadavg()[0] ?? 0;
  await mkdir(outDir, { recursive: true });
  const notes: string[] = [];
  await harness(
    [
      'run',
      'scenarios/conformance',
      ...targets,
      '-r',
      'json',
      '-r',
      'dot',
      '-o',
      join(outDir, 'conformance'),
    ],
    notes,
  );
  for (const load of LOADS) {
    await harness([
      'bench', load.preset, '--qos', String(load.qos), '--mqtt', '3.1.1',
      '--rate', values.rate, '--duration', values.duration,
      ...targets, ...PROFILES.flatMap((profile) => ['-p', profile]),
      '-r', 'json', '-r', 'bench', '-o', join(outDir, load.id),
    ], notes); // prettier-ignore
  }
  const run: RunInfo = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    loadAverage,
    durationMs: Date.now() - begin,
    loadDuration: values.duration,
    loadRate: Number(values.rate),
    notes,
  };
  await writeFile(join(outDir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  return run;
}

function machine(): string {
  const cores = cpus();
  const gib = Math.round(totalmem() / 2 ** 30);
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${gib} GiB, Linux ${release()}, Node.js ${process.version}`;
}

async function readResult(name: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(outDir, name, 'results.json'), 'utf8')) as RunResult;
}

async function main(): Promise<void> {
  const run = values['skip-run']
    ? (JSON.parse(await readFile(join(outDir, 'run.json'), 'utf8')) as RunInfo)
    : await runAll();
  const matrix = buildMatrix({
    conformance: await readResult('conformance'),
    loads: await Promise.all(
      LOADS.map(async (load) => ({ label: load.label, result: await readResult(load.id) })),
    ),
    deviations: await readDeviationEntries(ROOT, BROKERS),
    brokers: BROKERS,
    run,
  });
  await writeFile(join(ROOT, 'docs/matrix.md'), renderMarkdown(matrix));
  await writeFile(join(ROOT, 'docs/matrix.html'), renderHtml(matrix));
  process.stdout.write(
    `matrix: wrote docs/matrix.md and docs/matrix.html (run took ${Math.round(run.durationMs / 1000)} s)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`matrix: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
