// Per-second intervals from worker messages: whole seconds, and a last interval as long as it
// really was (closed when the run ended), so its delivery rate is not read as a collapse.
import { describe, expect, it } from 'vitest';
import { mergeIntervals } from '../../harness/load/aggregate.js';
import { Recorder } from '../../harness/load/histogram.js';
import type { IntervalMessage } from '../../harness/load/protocol.js';
import { deliveredPerSecond, rateIntervals } from '../../harness/result/intervals.js';

function message(index: number, endMs: number, received: number, final = false): IntervalMessage {
  const recorder = new Recorder();
  for (let i = 0; i < received; i++) recorder.record(500 + i);
  return {
    type: 'interval',
    index,
    endMs,
    final,
    sent: received,
    received,
    errors: 0,
    late: 0,
    buckets: recorder.drainBuckets(),
  };
}

describe('mergeIntervals', () => {
  it('gives whole seconds, and the last interval its real length', () => {
    // Two workers; timers fired a little early or late; the run ended 40 ms into second 2.
    const intervals = mergeIntervals([
      message(0, 999.4, 100),
      message(0, 1003, 100),
      message(1, 2000.2, 100),
      message(1, 1999.1, 100),
      message(2, 2031.5, 3, true),
      message(2, 2040, 5, true),
    ]);
    expect(intervals.map((i) => [i.startMs, i.durationMs, i.received])).toEqual([
      [0, 1000, 200],
      [1000, 1000, 200],
      [2000, 40, 8],
    ]);
    expect(intervals[2]!.latency.count).toBe(8);
    expect(rateIntervals(intervals).map(deliveredPerSecond)).toEqual([200, 200]);
  });

  it('makes an interval whole when one worker was still running through it', () => {
    // Worker A ended 990 ms into second 7; worker B went on into second 8.
    const intervals = mergeIntervals([
      message(7, 7990, 50, true),
      message(7, 8000.3, 100),
      message(8, 8012, 2, true),
    ]);
    expect(intervals.map((i) => [i.startMs, i.durationMs])).toEqual([
      [7000, 1000],
      [8000, 12],
    ]);
  });

  it('never gives an interval no length', () => {
    const [only] = mergeIntervals([message(0, 0, 0, true)]);
    expect(only!.durationMs).toBe(1);
  });
});
