// Helpers for recording real clients: spawn mosquitto_pub / mosquitto_sub with timeouts, wait for
// their output, and replay a generated scenario through runHarness.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarness } from '../../harness/api.js';
import type { TargetSpec } from '../../harness/config/index.js';
import type { RunResult } from '../../harness/result/model.js';

/** Every wait in these tests is bounded; generous because the machine may be busy. */
export const WAIT_MS = 20_000;

export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: WAIT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${error.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

export class Background {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  private readonly exited: Promise<number | null>;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args);
    this.child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves when the output contains `text`; rejects after WAIT_MS. */
  async waitFor(text: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.output.includes(text)) {
      if (Date.now() > deadline)
        throw new Error(`no '${text}' in output within ${WAIT_MS} ms: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The exit code; the process is killed if it has not exited within WAIT_MS. */
  async exit(): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), WAIT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }
}

/** Writes the scenario to a temp directory and runs it on every target. */
export async function replay(yaml: string, targets: TargetSpec[]): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-record-'));
  const file = join(dir, 'recorded.yaml');
  await writeFile(file, yaml);
  return runHarness({ paths: [file], targets, cwd: dir, workers: 2 });
}

/** One line per scenario run, with the reason when it did not pass (readable in a failed assertion). */
export function verdicts(result: RunResult): string[] {
  return result.scenarios.map(
    (s) =>
      `${s.target}: ${s.verdict}${s.verdict === 'passed' ? '' : ` ${s.reason ?? ''} ${s.failure?.location ?? ''}`}`,
  );
}
