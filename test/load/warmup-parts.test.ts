// The warm-up as several executor runs (harness/load/warmup-parts.ts): three when the parts keep the
// warm-up's message count, else two, else one; never a message more or less than the whole.
import { describe, expect, it } from 'vitest';
import { getExecutor } from '../../harness/load/index.js';
import { warmupParts } from '../../harness/load/warmup-parts.js';

const constant = getExecutor('constant-arrival-rate')!;
const section = (rate: number, warmup: string) => ({
  executor: 'constant-arrival-rate',
  rate,
  duration: '2s',
  warmup,
  publishers: { count: 2, topic: 't/%i' },
});
const parts = (executor: typeof constant, body: object) =>
  warmupParts(executor, body, executor.warmup(body)!).map((part) => ({
    durationMs: part.durationMs,
    intended: executor.plan(part.section).intended,
  }));

describe('warmupParts', () => {
  it('three runs (¼, ¼, ½) when they add up to the whole warm-up', () => {
    expect(parts(constant, section(1000, '3s'))).toEqual([
      { durationMs: 750, intended: 750 },
      { durationMs: 750, intended: 750 },
      { durationMs: 1500, intended: 1500 },
    ]);
  });

  it('two halves when quarters would round messages away, one run when halves would too', () => {
    // 200/s for 250 ms is 50 messages: quarters of 12.5 would make 49.
    expect(parts(constant, section(200, '250ms'))).toEqual([
      { durationMs: 125, intended: 25 },
      { durationMs: 125, intended: 25 },
    ]);
    // 7/s for 1 s: neither quarters (1 + 1 + 3) nor halves (3 + 3) make 7.
    expect(parts(constant, section(7, '1s'))).toEqual([{ durationMs: 1000, intended: 7 }]);
  });

  it('a closed model (no message count) warms up in halves', () => {
    const closed = getExecutor('closed-loop')!;
    const body = {
      executor: 'closed-loop',
      duration: '2s',
      warmup: '1s',
      publishers: { count: 2, topic: 't/%i' },
    };
    expect(parts(closed, body).map((part) => part.durationMs)).toEqual([500, 500]);
  });
});
