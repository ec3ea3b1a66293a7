// The open-loop driver (harness/load/executors/open-loop.ts) on a fake executor context: every
// message of the schedule goes to publisher n mod P in order, and the runs on one worker's
// publishers wake through one and the same function (a new one per run made V8 compile the send
// path again inside the measured window: docs/load.md, Accuracy).
import { describe, expect, it } from 'vitest';
import { nowMs } from '../../harness/load/clock.js';
import { ConstantRateSchedule, runOpenLoop } from '../../harness/load/executors/open-loop.js';
import type { ExecutorContext, PublisherHandle } from '../../harness/load/executors/types.js';

interface Fake {
  context(startMs: number): ExecutorContext;
  sent: number[];
  wakeCallbacks: (() => void)[];
  abort: AbortController;
}

/** Publishers with global indices `indices` out of `total`; publish records the global message number. */
function fake(indices: number[], total: number, failAt = -1): Fake {
  const publishers = indices.map((index) => ({ index, seq: 0 }) as unknown as PublisherHandle);
  const sent: number[] = [];
  const wakeCallbacks: (() => void)[] = [];
  const abort = new AbortController();
  let round = new Map<number, number>();
  const functions = {
    slice: (count: number) => ({ from: 0, to: count }),
    publish: (publisher: PublisherHandle) => {
      const turn = round.get(publisher.index) ?? 0;
      round.set(publisher.index, turn + 1);
      const n = turn * total + publisher.index;
      if (n === failAt) throw new Error('publish failed');
      sent.push(n);
      return true;
    },
    addIntended: () => undefined,
    onCompleted: () => undefined,
    flush: () => undefined,
    openConnection: () => Promise.resolve(undefined),
    sleepUntil: () => Promise.resolve(),
    wakeAt: (atMs: number, callback: () => void) => {
      wakeCallbacks.push(callback);
      setTimeout(callback, Math.max(0, atMs - nowMs())).unref();
    },
  };
  return {
    sent,
    wakeCallbacks,
    abort,
    context: (startMs) => {
      round = new Map();
      return {
        startMs,
        signal: abort.signal,
        publishers,
        totalPublishers: total,
        share: { index: 0, count: 1 },
        ...functions,
      };
    },
  };
}

describe('runOpenLoop', () => {
  it("sends this worker's messages of the schedule in order, then resolves", async () => {
    const worker = fake([1, 3], 4);
    // 40 messages at 2,000/s from now: due over 20 ms, so the loop sleeps between them.
    await runOpenLoop(worker.context(nowMs()), new ConstantRateSchedule(40, 2000), 0);
    expect(worker.sent).toEqual([...Array(40).keys()].filter((n) => n % 4 === 1 || n % 4 === 3));
    expect(worker.wakeCallbacks.length).toBeGreaterThan(0);
  });

  it('every run on the same publishers wakes through the same function', async () => {
    const worker = fake([0, 1], 2);
    for (let run = 0; run < 3; run++)
      await runOpenLoop(worker.context(nowMs()), new ConstantRateSchedule(20, 2000), 0);
    expect(worker.sent).toHaveLength(60);
    expect(new Set(worker.wakeCallbacks).size).toBe(1);
    // The schedule's timeOf is one function for every run too (a class method, not a closure).
    const timeOf = (schedule: ConstantRateSchedule): unknown => Reflect.get(schedule, 'timeOf');
    expect(timeOf(new ConstantRateSchedule(1, 1))).toBe(timeOf(new ConstantRateSchedule(2, 2)));
  });

  it('resolves when the run is aborted, and rejects when a send throws', async () => {
    const aborted = fake([0], 1);
    const run = runOpenLoop(aborted.context(nowMs() + 60_000), new ConstantRateSchedule(10, 1), 0);
    aborted.abort.abort();
    aborted.wakeCallbacks[0]?.();
    await expect(run).resolves.toBeUndefined();
    expect(aborted.sent).toEqual([]);

    const failing = fake([0], 1, 3);
    await expect(
      runOpenLoop(failing.context(nowMs() - 1000), new ConstantRateSchedule(10, 1000), 0),
    ).rejects.toThrow('publish failed');
    expect(failing.sent).toEqual([0, 1, 2]);
    // The failed run does not hold the publishers: the next run on them starts afresh.
    await runOpenLoop(failing.context(nowMs() - 1000), new ConstantRateSchedule(3, 1000), 0);
    expect(failing.sent).toEqual([0, 1, 2, 0, 1, 2]);
  });
});
