import { afterEach, describe, expect, it } from 'vitest';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { connectOnce, pidExists } from './probe.js';

const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((target) => target.stop()));
});

describe('aedes target', () => {
  it('runs Aedes 1.x in a child process, answers a 3.1.1 CONNECT, and stop() ends the child', async () => {
    const target = await startTarget('aedes', { cwd: process.cwd() });
    started.push(target);
    expect(target.kind).toBe('aedes');
    expect(target.version).toMatch(/^1\.\d+\.\d+$/);
    expect(target.pid).not.toBe(process.pid);
    expect(target.capabilities.has('mqtt-3.1.1')).toBe(true);
    expect(target.capabilities.has('mqtt-5.0')).toBe(false);
    expect(target.missingCapabilityReasons?.['mqtt-5.0']).toBe('Aedes 1.x has no MQTT 5');
    expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
    const pid = target.pid!;
    await target.stop();
    expect(pidExists(pid)).toBe(false);
    expect(target.isAlive()).toBe(false);
  });

  it('serves MQTT over WebSocket with transport ws', async () => {
    const target = await startTarget(
      { kind: 'aedes', options: { transport: 'ws', path: '/mqtt' } },
      { cwd: process.cwd() },
    );
    started.push(target);
    expect(target.endpoint).toMatchObject({ transport: 'ws', path: '/mqtt' });
    expect(target.url).toBe(`ws://127.0.0.1:${target.endpoint.port}/mqtt`);
    expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
  });

  it('an already aborted signal rejects with reason aborted before anything is spawned', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      startTarget('aedes', { cwd: process.cwd(), signal: controller.signal }),
    ).rejects.toMatchObject({
      reason: 'aborted',
    });
  });
});
