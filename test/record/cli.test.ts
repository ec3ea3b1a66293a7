// `harness record` from the command line: records until Ctrl-C (the signal) or --duration, writes a
// scenario that `harness validate` accepts, and refuses bad input before listening.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.js';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { project, runCli } from '../cli/helpers.js';
import { WAIT_MS } from './session.js';

let broker: StartedTarget;
beforeAll(async () => {
  broker = await startTarget('reference', { cwd: process.cwd() });
});
afterAll(async () => broker?.stop());

/** Runs `harness record` in-process with a signal the test aborts; `stdout` grows as it prints. */
function startRecordCli(args: string[], cwd: string) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const stream = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const done = main(['record', ...args], {
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => (stderr += text)),
    isTTY: false,
    env: {},
    cwd,
    signal: controller.signal,
  });
  const url = async (): Promise<string> => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const match = /clients connect to (mqtt:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) return match[1];
      if (Date.now() > deadline) throw new Error(`no listening line: ${stdout} ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { done, url, stop: () => controller.abort(), output: () => ({ stdout, stderr }) };
}

describe('harness record (CLI)', () => {
  it('records until Ctrl-C and writes a scenario that validates', async () => {
    const dir = await project({});
    const upstream = `${broker.endpoint.host}:${broker.endpoint.port}`;
    const cli = startRecordCli(
      ['--upstream', upstream, '-o', 'recordings/My Session.yaml', '--redact', 'payloads'],
      dir,
    );
    const client = await mqtt.connectAsync(await cli.url(), {
      clientId: 'cli-client',
      reconnectPeriod: 0,
      connectTimeout: WAIT_MS,
    });
    await client.subscribeAsync('cli/t', { qos: 1 });
    await client.publishAsync('cli/t', 'secret reading', { qos: 1 });
    await client.endAsync();
    cli.stop();
    expect(await cli.done).toBe(0);
    expect(cli.output().stdout).toMatch(/wrote recordings\/My Session.yaml: 1 client\(s\)/);
    const yaml = await readFile(join(dir, 'recordings', 'My Session.yaml'), 'utf8');
    expect(yaml).toContain('name: my-session');
    expect(yaml).not.toContain('secret reading');
    const validate = await runCli(['validate', 'recordings/My Session.yaml'], dir);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
  });

  it('stops by itself after --duration; nothing recorded is an error, not an empty file', async () => {
    const dir = await project({});
    const upstream = `${broker.endpoint.host}:${broker.endpoint.port}`;
    const run = await runCli(
      ['record', '--upstream', upstream, '-o', 'empty.yaml', '--duration', '200ms'],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HARNESS_RECORD_FAILED|nothing to write: 0 connection\(s\) recorded/);
  });

  it('refuses bad input and a listen port that is taken', async () => {
    const dir = await project({});
    expect((await runCli(['record', '-o', 'x.yaml'], dir)).stderr).toMatch(
      /--upstream and -o FILE are required/,
    );
    expect((await runCli(['record', '--upstream', 'nowhere', '-o', 'x.yaml'], dir)).stderr).toMatch(
      /HOST:PORT or a ws:\/\/ URL/,
    );
    const duration = await runCli(['record', '--upstream', '127.0.0.1:1', '-o', 'x.yaml', '-d', '10'], dir);
    expect(duration.stderr).toMatch(/--duration needs a duration with a unit/);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const run = await runCli(
        ['record', '--upstream', '127.0.0.1:1', '-o', 'x.yaml', '-l', String(port)],
        dir,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot listen/);
    } finally {
      taken.close();
    }
  });
});
