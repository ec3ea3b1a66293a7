// `harness proxy` through the real CLI dispatcher, stopped by the signal as Ctrl-C would.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.js';
import { freePort, isRefused, mqttSession, pingRtts, startMosquitto, type Mosquitto } from './helpers.js';

let mosquitto: Mosquitto;
beforeAll(async () => {
  mosquitto = await startMosquitto();
}, 60_000);
afterAll(async () => mosquitto?.stop());

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('harness proxy', () => {
  it('forwards through the profile until the signal, then prints what it measured', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const out = capture();
    const err = capture();
    const exit = main(
      [
        'proxy',
        '--profile',
        'wifi',
        '--listen',
        String(port),
        '--upstream',
        `127.0.0.1:${mosquitto.port}`,
        '--json',
      ],
      {
        stdout: out.stream,
        stderr: err.stream,
        signal: controller.signal,
        cwd: process.cwd(),
      },
    );
    const deadline = Date.now() + 30_000; // the proxy's thread starts (slowly under tsx on a busy machine)
    while (!out.text().includes('proxy:') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(out.text()).toContain(`127.0.0.1:${port} -> 127.0.0.1:${mosquitto.port} (profile wifi`);
    const client = await mqttSession(port);
    await pingRtts(client, 5);
    client.socket.destroy();
    controller.abort();
    expect(await exit).toBe(0);
    const info = JSON.parse(out.text().trim().split('\n').at(-1)!);
    expect(info.name).toBe('wifi');
    expect(info.measured.rttSamples).toBe(6);
    expect(await isRefused(port)).toBe(true);
  });

  it('rejects a bad profile with the usage exit code and file:line', async () => {
    const err = capture();
    const code = await main(['proxy', '--profile', 'no-such-profile', '--upstream', '127.0.0.1:1'], {
      stdout: new PassThrough(),
      stderr: err.stream,
      signal: new AbortController().signal,
      cwd: process.cwd(),
    });
    expect(code).toBe(2);
    expect(err.text()).toContain('PROFILE_NOT_FOUND');
  });

  it('requires --upstream', async () => {
    const err = capture();
    const code = await main(['proxy', '--profile', 'lan'], {
      stdout: new PassThrough(),
      stderr: err.stream,
      signal: new AbortController().signal,
      cwd: process.cwd(),
    });
    expect(code).toBe(2);
    expect(err.text()).toContain('--upstream');
  });
});
