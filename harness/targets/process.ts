// A broker process the harness started: keeps its last output for evidence, stops it by PID, and
// makes sure it dies with the harness (watchdog.ts) however the harness ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { onCpus } from '../placement/index.js';
import { guardGroup, releaseGroup, withParentDeathSignal } from './watchdog.js';

const OUTPUT_LIMIT = 64 * 1024;
const running = new Map<ChildProcess, (signal: NodeJS.Signals) => void>();
let exitHookInstalled = false;

export interface BrokerProcess {
  child: ChildProcess;
  pid: number;
  /** The command as given (the process itself may be started through a wrapper). */
  command: string;
  /** Last bytes of stdout and stderr, interleaved as they arrived. */
  output(): string;
  /** Undefined while running; a description once the process has exited. */
  exitReason(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Called for each stdout line (the aedes child reports its port this way). */
  onLine(listener: (line: string) => void): void;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Own process group (default true): a terminal's Ctrl-C reaches the harness only (which then stops
   * the broker in order), stop() signals the whole group, so helpers the broker started in it end
   * too, and the watchdog kills the group if the harness dies.
   */
  processGroup?: boolean;
  /** The run's temp dir: the watchdog sweeps processes marked with it and removes it if the harness dies. */
  runDir?: string;
  /**
   * The CPUs the broker runs on (a Linux CPU list): set by taskset before the broker's exec, so every
   * thread and process it starts inherits them.
   */
  cpus?: string | undefined;
}

/** Spawns the process; rejects with the spawn error (ENOENT for a missing binary). */
export function spawnBroker(options: SpawnOptions): Promise<BrokerProcess> {
  installExitHook();
  const group = options.processGroup !== false;
  const placed =
    options.cpus === undefined
      ? { command: options.command, args: options.args }
      : onCpus(options.cpus, options.command, options.args);
  const launched = withParentDeathSignal(placed.command, placed.args);
  return new Promise((resolve, reject) => {
    const child = spawn(launched.command, launched.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: group,
    });
    const sendSignal = signaller(child, group);
    const captured = captureOutput(child);
    let exit: string | undefined;
    child.stdin?.on('error', () => undefined); // the child may exit before reading stdin
    const exited = new Promise<void>((resolveExit) => {
      child.once('exit', (code, signal) => {
        exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
        running.delete(child);
        resolveExit();
      });
    });
    child.once('error', (error) => {
      running.delete(child);
      if (child.pid === undefined) reject(error);
    });
    child.once('spawn', () => {
      const pid = child.pid;
      if (pid === undefined) return reject(new Error('process has no pid'));
      running.set(child, sendSignal);
      if (group) guardGroup(pid, options.runDir);
      let stopping: Promise<void> | undefined;
      const stop = async (graceMs: number): Promise<void> => {
        if (exit !== undefined) {
          if (group) killGroup(pid);
          releaseGroup(pid);
          return;
        }
        child.stdin?.end();
        sendSignal('SIGTERM');
        const timer = setTimeout(() => sendSignal('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        // Whatever the broker left in its group (helpers it forked) goes with it.
        if (group) killGroup(pid);
        releaseGroup(pid);
      };
      resolve({
        child,
        pid,
        command: options.command,
        output: captured.output,
        exitReason: () => exit,
        onLine: captured.onLine,
        stop: (graceMs = 5000) => (stopping ??= stop(graceMs)),
      });
    });
  });
}

/** Sends a signal to the process group (when there is one), else to the process itself. */
function signaller(child: ChildProcess, group: boolean): (name: NodeJS.Signals) => void {
  return (name) => {
    if (group && child.pid !== undefined) {
      try {
        process.kill(-child.pid, name);
        return;
      } catch {
        // the group is gone already; fall through to the process itself
      }
    }
    child.kill(name);
  };
}

/** The last OUTPUT_LIMIT characters of stdout and stderr, and stdout line by line to listeners. */
function captureOutput(child: ChildProcess): {
  output: () => string;
  onLine: (listener: (line: string) => void) => void;
} {
  let output = '';
  let lineBuffer = '';
  const lineListeners: ((line: string) => void)[] = [];
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stderr?.on('data', append);
  child.stdout?.on('data', (chunk: Buffer) => {
    append(chunk);
    lineBuffer += chunk.toString('utf8');
    let newline = lineBuffer.indexOf('\n');
    while (newline >= 0) {
      const line = lineBuffer.slice(0, newline);
      lineBuffer = lineBuffer.slice(newline + 1);
      for (const listener of lineListeners) listener(line);
      newline = lineBuffer.indexOf('\n');
    }
  });
  return { output: () => output, onLine: (listener) => void lineListeners.push(listener) };
}

/** A broker must not outlive the harness: kill what is still running when Node exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const kill of running.values()) kill('SIGKILL');
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group
  }
}
