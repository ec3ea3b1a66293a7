// A harness-started Mosquitto dies with the harness whatever kills it (issue 13, item 9): SIGKILL
// the real CLI mid-scenario and its broker goes, and its temp dir with it; kill the watchdog too and
// the kernel's parent-death signal still ends the broker, and the next run sweeps the temp dir the
// dead run left. A broker killed mid-run fails the scenario with its signal and the last lines of
// its log. The CLI runs in a child process with its own TMPDIR and an environment marker that every
// process it starts inherits, so whatever survives is found even after it was reparented.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_FILE } from '../../harness/targets/run-dir.js';
import { sweepMarked } from '../../harness/targets/sweep.js';
import { commandOf, processesWithEnv, zombie } from '../targets/leftovers.js';

const MAIN = fileURLToPath(new URL('../../harness/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ENTRY = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then((code) => { process.exitCode = code; })`;
const MARK = 'HARNESS_DEATH_TEST';
const WAIT_MS = 60_000; // a tsx start and a broker start on a busy machine
const SLOW = `name: slow\nmqtt: '3.1.1'\ntimeout: 600000\nsteps:\n  - connect: {}\n  - wait: 300000\n  - publish: { topic: t, payload: x }\n`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Run {
  child: ChildProcess;
  dir: string;
  tmp: string;
  mark: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function workspace(): Promise<{ dir: string; tmp: string; mark: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-death-test-'));
  const mark = randomUUID();
  await mkdir(join(dir, 'scenarios'));
  await mkdir(join(dir, 'tmp'));
  await writeFile(join(dir, 'scenarios', 'slow.yaml'), SLOW);
  cleanups.push(async () => {
    await sweepMarked(MARK, mark, 10_000);
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, tmp: join(dir, 'tmp'), mark };
}

function startCli(space: { dir: string; tmp: string; mark: string }, args: string[]): Run {
  const child = spawn(process.execPath, ['--import', TSX, '-e', ENTRY, ...args], {
    cwd: space.dir,
    env: { ...process.env, CI: '1', NO_COLOR: '1', TMPDIR: space.tmp, [MARK]: space.mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const backstop = setTimeout(() => child.kill('SIGKILL'), 5 * WAIT_MS);
  void exited.then(() => clearTimeout(backstop));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return { child, ...space, output: () => output, exited };
}

/** Polls until `check` returns a value (not undefined) or `timeoutMs` passes. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** PIDs of the run's processes whose command is `name` (not zombies). */
async function marked(run: Run, name: string): Promise<number[]> {
  const pids = await processesWithEnv(MARK, run.mark);
  const named: number[] = [];
  for (const pid of pids) if ((await commandOf(pid)) === name && !(await zombie(pid))) named.push(pid);
  return named;
}

/** Mosquitto's PID once the scenario's client is connected to it (two sockets open for a second). */
async function mosquittoOf(run: Run): Promise<number> {
  return until('mosquitto to start and the scenario to connect', async () => {
    const [pid] = await marked(run, 'mosquitto');
    if (pid === undefined || (await sockets(pid)) < 2) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the readiness probe's connection is brief
    return (await sockets(pid)) >= 2 ? pid : undefined;
  });
}

async function sockets(pid: number): Promise<number> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return links.filter((link) => link.startsWith('socket:')).length;
}

async function harnessDirs(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('harness-'));
}

async function gone(pid: number): Promise<true | undefined> {
  return (await zombie(pid)) ? true : undefined;
}

describe('a harness-started broker dies with the harness', () => {
  it(
    'SIGKILL of the harness: mosquitto is gone and so is its temp dir',
    async () => {
      const run = startCli(await workspace(), ['run', 'scenarios', '-t', 'mosquitto', '-r', 'list']);
      const broker = await mosquittoOf(run);
      const [dir] = await harnessDirs(run.tmp);
      expect(dir).toBeDefined();
      expect(await readFile(join(run.tmp, dir ?? '', OWNER_FILE), 'utf8')).toMatch(
        new RegExp(`^${run.child.pid} \\d+`),
      );
      run.child.kill('SIGKILL');
      await run.exited;
      await until(`mosquitto ${broker} to go`, () => gone(broker), 20_000);
      await until('the temp dir to go', async () =>
        (await harnessDirs(run.tmp)).length === 0 ? true : undefined,
      );
    },
    5 * WAIT_MS,
  );

  it(
    'SIGKILL of the harness and its watchdog: mosquitto ends, the next run sweeps the dir',
    async () => {
      const space = await workspace();
      const first = startCli(space, ['run', 'scenarios', '-t', 'mosquitto', '-r', 'list']);
      const broker = await mosquittoOf(first);
      const watchdogs = (await marked(first, 'node')).filter((pid) => pid !== first.child.pid);
      expect(watchdogs.length).toBe(1);
      for (const pid of watchdogs) process.kill(pid, 'SIGKILL');
      await until('the watchdog to go', async () =>
        (await Promise.all(watchdogs.map(zombie))).every(Boolean) ? true : undefined,
      );
      first.child.kill('SIGKILL');
      await first.exited;
      const stale = await harnessDirs(space.tmp);
      expect(stale.length).toBe(1); // nobody removed it: the watchdog was dead
      // The kernel's parent-death signal ends mosquitto, unless it changed its user (started as
      // root, it drops to 'mosquitto', which clears the signal): then the next run's sweep does.
      await writeFile(join(space.dir, 'scenarios', 'slow.yaml'), SLOW.replace('wait: 300000', 'wait: 10'));
      const second = startCli(space, ['run', 'scenarios', '-t', 'mosquitto', '-r', 'list']);
      expect(await second.exited).toBe(0);
      await until(`mosquitto ${broker} to go`, () => gone(broker), 20_000);
      expect(await harnessDirs(space.tmp)).toEqual([]);
    },
    5 * WAIT_MS,
  );

  it(
    'a broker killed mid-run: the failure gives its signal and the last lines of its log',
    async () => {
      const space = await workspace();
      await writeFile(join(space.dir, 'scenarios', 'slow.yaml'), SLOW.replace('wait: 300000', 'wait: 8000'));
      const run = startCli(space, ['run', 'scenarios', '-t', 'mosquitto', '-r', 'json', '-o', 'out']);
      const broker = await mosquittoOf(run);
      process.kill(broker, 'SIGKILL');
      expect(await run.exited).toBe(1);
      const result = JSON.parse(await readFile(join(run.dir, 'out', 'results.json'), 'utf8')) as {
        scenarios?: { verdict: string; reason?: string }[];
      };
      const reasons = JSON.stringify(result);
      expect(reasons).toMatch(/target 'mosquitto' stopped \(killed by SIGKILL\)/);
      expect(reasons).toMatch(/last lines of the broker's log/);
      expect(reasons).toMatch(/mosquitto version \d/); // mosquitto's own start-up line
    },
    5 * WAIT_MS,
  );
});
