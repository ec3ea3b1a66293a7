// Runs the real CLI dispatcher in-process with captured streams and a temp project directory.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../harness/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export async function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    env,
    cwd,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-cli-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

export const CONNECT_SCENARIO = `name: connect-basic
description: a CONNECT gets a CONNACK
mqtt: ['3.1.1', '5.0']
statements: [MQTT-3.2.0-1]
tags: [connect]
steps:
  - connect: { client: a }
  - disconnect: { client: a }
`;

export const PUBLISH_SCENARIO = `name: publish-qos1
mqtt: '5.0'
tags: [publish, qos]
steps:
  - connect: { client: a }
  - send: { client: a, packet: { type: publish, topic: '\${prefix}t', qos: 1, packetId: 1, payload: hi } }
  - expect: { client: a, packet: { type: puback, packetId: 1 } }
`;

/**
 * A config with a target 'marked': Mosquitto started through `sh`, which first creates `started`
 * in the project directory. The file exists if and only if the harness started the broker.
 */
export async function markedTargetConfig(dir: string): Promise<string> {
  const { findExecutable } = await import('../../harness/targets/executable.js');
  const mosquitto = await findExecutable('mosquitto', dir, process.env);
  if (mosquitto === undefined) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const config = 'listener {{port}} {{host}}\\nallow_anonymous true\\npersistence false\\n';
  return [
    'targets:',
    '  marked:',
    '    kind: command',
    '    options:',
    '      command: sh',
    `      args: ['-c', 'touch "$0" && exec "$1" -c "$2"', '${join(dir, 'started')}', '${mosquitto}', '{{config}}']`,
    `      config: "${config}"`,
    '',
  ].join('\n');
}
