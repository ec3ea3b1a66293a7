// Per-second intervals from worker messages: whole seconds, and a last interval as long as it
// really was (closed when the run ended), so its delivery rate is not read as a collapse.
import { describe, expect, it } from 'vitest';
import { mergeIntervals } from '../../harness/load/aggregate.js';
import { createHistogram, encodeHistogram, recordUs } from '../../harness/load/histogram.js';
import type { IntervalMessage } from '../../harness/load/protocol.js';
import { deliveredPerSecond, rateIntervals } from '../../harness/result/intervals.js';

function message(index: number, endMs: number, received: number): IntervalMessage {
  const histogram = createHistogram();
  for (let i = 0; i < received; i++) recordUs(histogram, 500 + i);
  return {
    type: 'interval',
    index,
    endMs,
    sent: received,
    received,
    errors: 0,
    histogram: encodeHistogram(histogram).encoded,
  };
}

describe('mergeIntervals', () => {
  it('gives whole seconds, and the last interval its real length', () => {
    // Two workers; the timer of the second fired 3 ms late; the run ended 40 ms into second 2.
    const intervals = mergeIntervals([
      message(0, 1000.4, 100),
      message(0, 1003, 100),
      message(1, 2000.2, 100),
      message(1, 2001, 100),
      message(2, 2031.5, 3),
      message(2, 2040, 5),
    ]);
    expect(intervals.map((i) => [i.startMs, i.durationMs, i.received])).toEqual([
      [0, 1000, 200],
      [1000, 1000, 200],
      [2000, 40, 8],
    ]);
    expect(intervals[2]!.latency.count).toBe(8);
    expect(rateIntervals(intervals).map(deliveredPerSecond)).toEqual([200, 200]);
  });

  it('never gives an interval no length', () => {
    const [only] = mergeIntervals([message(0, 0, 0)]);
    expect(only!.durationMs).toBe(1);
  });
});
