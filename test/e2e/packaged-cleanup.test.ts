// Ctrl-C on `harness run` against the harness-started Debian brokers (rabbitmq, activemq, ejabberd)
// leaves nothing behind: no Erlang VM, JVM, epmd or helper process and no temp dir, whether the
// SIGINT comes while a scenario runs or while a broker is still starting. The real CLI runs in a
// child process with its own TMPDIR and an environment marker that every process it starts
// inherits, so whatever survives is found even after it was reparented.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepMarked } from '../../harness/targets/sweep.js';
import { commandOf, processesWithEnv } from '../targets/leftovers.js';

const MAIN = fileURLToPath(new URL('../../harness/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ENTRY = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then((code) => { process.exitCode = code; })`;
const MARK = 'HARNESS_CLEANUP_TEST';
const LIMIT_MS = 300_000; // three brokers starting on a busy 2-core machine

const marks: { mark: string; dir: string }[] = [];
afterEach(async () => {
  for (const { mark, dir } of marks.splice(0)) {
    await sweepMarked(MARK, mark, 10_000);
    await rm(dir, { recursive: true, force: true });
  }
});

interface Interrupted {
  code: number | null;
  output: string;
  seen: string[];
  tmp: string;
  mark: string;
}

/** Runs the CLI, sends SIGINT once `ready(output, commands)` says so, and waits for it to exit. */
async function interruptedRun(ready: (output: string, commands: string[]) => boolean): Promise<Interrupted> {
  const slow = `name: slow\nmqtt: '3.1.1'\ntimeout: 600000\nsteps:\n  - connect: {}\n  - wait: 300000\n`;
  const quick = `name: quick\nmqtt: '3.1.1'\nsteps:\n  - connect: {}\n`;
  const dir = await mkdtemp(join(tmpdir(), 'harness-cleanup-'));
  await mkdir(join(dir, 'scenarios'));
  await mkdir(join(dir, 'tmp'));
  await writeFile(join(dir, 'scenarios', 'a.yaml'), quick);
  await writeFile(join(dir, 'scenarios', 'b.yaml'), slow);
  const mark = randomUUID();
  const args = [
    'run',
    'scenarios',
    '-t',
    'rabbitmq',
    '-t',
    'activemq',
    '-t',
    'ejabberd',
    '-r',
    'list',
    '-w',
    '1',
  ];
  const child = spawn(process.execPath, ['--import', TSX, '-e', ENTRY, ...args], {
    cwd: dir,
    env: { ...process.env, CI: '1', NO_COLOR: '1', TMPDIR: join(dir, 'tmp'), [MARK]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const seen = new Set<string>();
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running = false;
      resolve(code);
    }),
  );
  marks.push({ mark, dir });
  // A backstop only: SIGINT, then SIGKILL; afterEach sweeps whatever a failed run left.
  const watchdog = setTimeout(() => {
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
  }, LIMIT_MS);
  let interrupted = false;
  while (!interrupted && running) {
    const commands = await Promise.all(
      (await processesWithEnv(MARK, mark)).filter((pid) => pid !== child.pid).map(commandOf),
    );
    for (const command of commands) if (command !== undefined) seen.add(command);
    if (
      ready(
        output,
        commands.filter((c): c is string => c !== undefined),
      )
    ) {
      child.kill('SIGINT');
      interrupted = true;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const code = await exited;
  clearTimeout(watchdog);
  return { code, output, seen: [...seen], tmp: join(dir, 'tmp'), mark };
}

async function expectNothingLeft(run: Interrupted): Promise<void> {
  const left = await processesWithEnv(MARK, run.mark);
  expect(await Promise.all(left.map(async (pid) => `${pid} ${await commandOf(pid)}`))).toEqual([]);
  // Only what the harness made counts (tsx keeps a cache dir in TMPDIR too).
  expect((await readdir(run.tmp)).filter((name) => name.startsWith('harness-'))).toEqual([]);
}

describe('Ctrl-C leaves no broker behind', () => {
  it(
    'while a scenario runs on all three brokers: every VM, JVM, epmd and temp dir is gone',
    async () => {
      // Targets all start before the first run; once `quick` is reported, `slow` is running.
      const run = await interruptedRun((output) => /quick/.test(output));
      expect(run.output).toMatch(/interrupted/i);
      expect(run.seen).toEqual(expect.arrayContaining(['epmd', 'beam.smp', 'java']));
      await expectNothingLeft(run);
    },
    LIMIT_MS + 30_000,
  );

  it(
    'while RabbitMQ is still starting: its node and epmd are stopped and its temp dir removed',
    async () => {
      // The Erlang VM exists but has not answered MQTT yet (RabbitMQ boots for several seconds).
      const run = await interruptedRun(
        (output, commands) => commands.includes('beam.smp') && !/quick/.test(output),
      );
      expect(run.seen).toEqual(expect.arrayContaining(['epmd', 'beam.smp']));
      expect(run.seen).not.toContain('java'); // interrupted before the next target was started
      await expectNothingLeft(run);
    },
    LIMIT_MS + 30_000,
  );
});
