import { describe, expect, it } from 'vitest';
import { REFERENCE_PROCESS, startTarget } from '../../harness/targets/index.js';
import { referenceCapabilities } from '../../harness/targets/reference.js';
import { connectOnce } from './probe.js';

describe('reference target', () => {
  // The same checks for both ways of running it: embedded in this process, or in a process of its
  // own (what harness bench starts).
  it.each([
    { mode: 'embedded', target: 'reference' as const, ownProcess: false },
    { mode: 'with process: true', target: REFERENCE_PROCESS, ownProcess: true },
  ])(
    '$mode: starts on a free loopback port, answers 3.1.1 and 5.0 CONNECTs, stops',
    async ({ target: spec, ownProcess }) => {
      const target = await startTarget(spec, { cwd: process.cwd() });
      try {
        expect(target).toMatchObject({
          kind: 'reference',
          name: 'reference',
          endpoint: { transport: 'tcp', host: '127.0.0.1' },
        });
        expect(target.endpoint.port).toBeGreaterThan(0);
        if (ownProcess) {
          expect(target.pid).toBeGreaterThan(0);
          expect(target.pid).not.toBe(process.pid);
        } else {
          expect(target.pid).toBeUndefined();
        }
        expect(target.capabilities.has('mqtt-5.0')).toBe(true);
        expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
        expect(await connectOnce(target.endpoint, 5)).toMatchObject({ type: 'connack', reasonCode: 0 });
      } finally {
        await target.stop();
      }
      expect(target.isAlive()).toBe(false);
      await expect(connectOnce(target.endpoint, 4, 2000)).rejects.toThrow();
    },
  );

  it('process: true refuses broker options it cannot pass to the process', async () => {
    await expect(
      startTarget(
        { kind: 'reference', options: { process: true, mutations: ['no-puback'] } },
        { cwd: process.cwd() },
      ),
    ).rejects.toThrow(/'process: true' takes no other options \(got mutations\)/);
  });

  it('capabilities follow the broker feature switches', () => {
    const capabilities = referenceCapabilities({ sharedSubscriptionAvailable: false, maximumQoS: 1 });
    expect(capabilities.has('shared-subscriptions')).toBe(false);
    expect(capabilities.has('qos2')).toBe(false);
    expect(capabilities.has('qos1')).toBe(true);
    expect(capabilities.has('mqtt-5.0')).toBe(true);
  });
});
