// CPU placement of the brokers the harness starts: the affinity of the broker's process and of every
// one of its threads, read back from /proc; and what the plan refuses before anything starts.
import { afterEach, describe, expect, it } from 'vitest';
import { allowedCpus, formatCpuList, processCpus, threadCpus } from '../../harness/placement/index.js';
import {
  checkTarget,
  REFERENCE_PROCESS,
  startTarget,
  type StartedTarget,
} from '../../harness/targets/index.js';
import { connectOnce } from './probe.js';

const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((target) => target.stop()));
});

/** One CPU this process may use, and the full allowed set: pinned differs from unpinned when there are two. */
const allowed = allowedCpus() ?? [];
const first = String(allowed[0]);
const last = String(allowed.at(-1));

function expectEveryThreadOn(pid: number, cpus: string): void {
  expect(processCpus(pid)).toBe(cpus);
  const threads = threadCpus(pid);
  expect(threads.size).toBeGreaterThan(0);
  for (const [tid, list] of threads) expect({ tid, list }).toEqual({ tid, list: cpus });
}

describe('target placement (cpus)', () => {
  it('this machine lets the harness choose between CPUs (the pinned list differs from the unpinned one)', () => {
    expect(allowed.length).toBeGreaterThanOrEqual(2);
  });

  it('a mosquitto target with cpus runs on those CPUs only, every thread, and still answers CONNECT', async () => {
    const target = await startTarget({ kind: 'mosquitto', cpus: first }, { cwd: process.cwd() });
    started.push(target);
    expect(target.cpus).toBe(first);
    expectEveryThreadOn(target.pid!, first);
    expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
  });

  it("the run's broker CPUs (--broker-cpus) pin the reference broker in its own process, all its threads", async () => {
    const target = await startTarget(REFERENCE_PROCESS, { cwd: process.cwd(), cpus: last });
    started.push(target);
    expect(target.cpus).toBe(last);
    const threads = threadCpus(target.pid!);
    expect(threads.size).toBeGreaterThan(1); // Node: the main thread, V8's and libuv's helpers
    expectEveryThreadOn(target.pid!, last);
  });

  it('without cpus the broker keeps every allowed CPU', async () => {
    const target = await startTarget('mosquitto', { cwd: process.cwd() });
    started.push(target);
    expect(target.cpus).toBeUndefined();
    expect(processCpus(target.pid!)).toBe(formatCpuList(allowed));
  });
});

describe('target placement: the plan refuses what it cannot pin', () => {
  const check = (spec: Parameters<typeof checkTarget>[0], cpus?: string) =>
    checkTarget(spec, { cwd: process.cwd(), ...(cpus === undefined ? {} : { cpus }) });

  it('a URL target with cpus: the harness does not start it', async () => {
    await expect(
      check({ kind: 'url', options: { url: 'mqtt://127.0.0.1:1' }, cpus: first }),
    ).rejects.toMatchObject({ code: 'HARNESS_PLACEMENT_INVALID', reason: 'unpinnable' });
  });

  it("the run's broker CPUs leave a URL target alone", async () => {
    await expect(check('mqtt://127.0.0.1:1', first)).resolves.toBeUndefined();
  });

  it('the embedded reference broker: an error naming the reference broker in its own process', async () => {
    const refused = check('reference', first);
    await expect(refused).rejects.toMatchObject({ code: 'HARNESS_PLACEMENT_INVALID', reason: 'unpinnable' });
    await expect(refused).rejects.toThrow(/process: true/);
    await expect(check(REFERENCE_PROCESS, first)).resolves.toBeUndefined();
  });

  it('a malformed list and a CPU outside the allowed set', async () => {
    await expect(check({ kind: 'mosquitto', cpus: '0-' })).rejects.toMatchObject({ reason: 'malformed' });
    await expect(check('mosquitto', '1,a')).rejects.toMatchObject({ reason: 'malformed' });
    const outside = String((allowed.at(-1) ?? 0) + 1);
    await expect(check('mosquitto', outside)).rejects.toMatchObject({
      code: 'HARNESS_PLACEMENT_INVALID',
      reason: 'unavailable',
    });
  });
});
