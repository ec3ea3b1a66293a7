// Debian's mosquitto_pub / mosquitto_sub, spawned with their own timeouts and killed by PID if late.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const HAVE_MOSQUITTO_CLIENTS =
  existsSync('/usr/bin/mosquitto_pub') && existsSync('/usr/bin/mosquitto_sub');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(command: string, args: string[], timeoutMs = 8000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export type MosquittoVersion = 'mqttv311' | 'mqttv5';

export function mosquittoPub(
  port: number,
  topic: string,
  message: string,
  extra: string[] = [],
  version: MosquittoVersion = 'mqttv311',
): Promise<RunResult> {
  return runTool('mosquitto_pub', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-V',
    version,
    '-t',
    topic,
    '-m',
    message,
    ...extra,
  ]);
}

/** Starts mosquitto_sub for `count` messages (-C) with its own timeout (-W seconds); resolves when it exits. */
export function mosquittoSub(
  port: number,
  topic: string,
  count: number,
  extra: string[] = [],
  version: MosquittoVersion = 'mqttv311',
  seconds = 5,
): Promise<RunResult> {
  return runTool(
    'mosquitto_sub',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-V',
      version,
      '-t',
      topic,
      '-C',
      String(count),
      '-W',
      String(seconds),
      ...extra,
    ],
    (seconds + 3) * 1000,
  );
}
