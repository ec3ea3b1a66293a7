// CPU placement of the load generator: each worker thread pins itself to the section's `cpus`
// (or the run's --generator-cpus) before its clients connect. Checked from outside the harness's
// figures: while the load runs, /proc/self/task shows a thread of this process on exactly those
// CPUs, and the main thread keeps all of them.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadScenario, validateLoadSection, type LoadSection } from '../../harness/load/index.js';
import { autoWorkers } from '../../harness/load/plan.js';
import { allowedCpus, formatCpuList, readAllowedList } from '../../harness/placement/index.js';
import type { LoadResult } from '../../harness/result/model.js';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';

let broker: StartedTarget;
beforeAll(async () => {
  broker = await startTarget('reference', { cwd: process.cwd() });
}, 30_000);
afterAll(async () => {
  await broker?.stop();
});

const allowed = allowedCpus() ?? [];
/** The last CPU this process may use: a pinned worker differs from the unpinned main thread. */
const chosen = String(allowed.at(-1));

const pairs = (extra: Partial<LoadSection> = {}): LoadSection =>
  ({
    executor: 'constant-arrival-rate',
    rate: 100,
    duration: '2s',
    warmup: 0,
    workers: 1,
    publishers: { count: 2, topic: '{prefix}/p/%i', qos: 1, size: 32 },
    subscribers: { count: 2, topic: '{prefix}/p/%i', qos: 1 },
    ...extra,
  }) as LoadSection;

/** Every thread of this process on `cpus`, seen while the load ran. */
function threadsOn(cpus: string): number[] {
  return readdirSync('/proc/self/task')
    .filter((tid) => readAllowedList(`/proc/self/task/${tid}/status`) === cpus)
    .map(Number);
}

async function runWatching(
  section: LoadSection,
  cpus?: string,
): Promise<{ result: LoadResult; seen: Set<number> }> {
  const seen = new Set<number>();
  const result = await runLoadScenario(section, {
    endpoint: broker.endpoint,
    target: broker,
    profile: 'none',
    mqttVersion: '5.0',
    signal: AbortSignal.timeout(60_000),
    name: 'placement',
    onProgress: () => threadsOn(chosen).forEach((tid) => seen.add(tid)),
    ...(cpus === undefined ? {} : { cpus }),
  });
  return { result, seen };
}

describe('generator placement (load cpus)', () => {
  it('this machine lets the harness choose between CPUs', () => {
    expect(allowed.length).toBeGreaterThanOrEqual(2);
    expect(readAllowedList('/proc/self/status')).toBe(formatCpuList(allowed));
  });

  it("a load with cpus runs its worker thread on those CPUs, records them, and leaves the main thread's alone", async () => {
    const { result, seen } = await runWatching(pairs({ cpus: chosen }));
    // Delivery, not timing: a busy machine may make the figures inconclusive, never lose a message.
    expect(result.errors).toBe(0);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.received).toBe(result.sent);
    expect(result.generator.cpus).toBe(chosen);
    expect(result.config['cpus']).toBe(chosen);
    // The worker thread (and a timer thread it started, which inherits its CPUs); never the main thread.
    expect(seen.size).toBeGreaterThanOrEqual(1);
    expect(seen.has(process.pid)).toBe(false);
    expect(readAllowedList('/proc/self/status')).toBe(formatCpuList(allowed));
  });

  it("the run's generator CPUs (--generator-cpus) replace the section's", async () => {
    const { result, seen } = await runWatching(pairs({ cpus: String(allowed[0]) }), chosen);
    expect(result.generator.cpus).toBe(chosen);
    expect(seen.size).toBeGreaterThanOrEqual(1);
  });

  it('without cpus no thread of the generator is pinned and the result says nothing', async () => {
    const { result, seen } = await runWatching(pairs());
    expect(result.generator.cpus).toBeUndefined();
    expect(seen.size).toBe(0);
  });
});

describe('load cpus: validation', () => {
  it('a malformed list, a CPU outside the allowed set, and workers: 0 are problems of the section', () => {
    expect(validateLoadSection(pairs({ cpus: '1-' }))).toEqual([expect.stringMatching(/not a CPU list/)]);
    const outside = String(allowed.at(-1)! + 1);
    expect(validateLoadSection(pairs({ cpus: outside }))).toEqual([
      expect.stringMatching(/is not one this process may use/),
    ]);
    expect(validateLoadSection(pairs({ cpus: chosen, workers: 0 }))).toEqual([
      expect.stringMatching(/workers: 0 .*main thread/),
    ]);
    expect(validateLoadSection(pairs({ cpus: chosen }))).toEqual([]);
  });

  it('workers: auto takes at most one worker per listed CPU', () => {
    const busy = { durationMs: 1000, peakRate: 1_000_000, connections: 0 } as never;
    expect(autoWorkers(busy, [], [], 0, 1)).toBe(1);
  });
});
