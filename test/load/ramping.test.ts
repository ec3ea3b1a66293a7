import { describe, expect, it } from 'vitest';
import { segments, timeOfMessage } from '../../harness/load/executors/ramping-arrival-rate.js';

describe('ramping schedule', () => {
  it('constant stage: message n at n / rate', () => {
    const all = segments(100, [{ durationMs: 1000, target: 100 }]);
    expect(timeOfMessage(all, 0)).toBe(0);
    expect(timeOfMessage(all, 50)).toBeCloseTo(500, 6);
    expect(timeOfMessage(all, 100)).toBe(Infinity);
  });

  it('linear ramp 0 → 100/s over 2 s: the cumulative count is t²·25, so message n is due at √(n/25) s', () => {
    const all = segments(0, [{ durationMs: 2000, target: 100 }]);
    for (const n of [1, 25, 50, 99]) expect(timeOfMessage(all, n)).toBeCloseTo(Math.sqrt(n / 25) * 1000, 6);
  });

  it('times never go backwards across stages', () => {
    const all = segments(10, [
      { durationMs: 1000, target: 200 },
      { durationMs: 500, target: 50 },
      { durationMs: 1000, target: 50 },
    ]);
    let previous = -1;
    for (let n = 0; n < 200; n++) {
      const at = timeOfMessage(all, n);
      expect(at).toBeGreaterThanOrEqual(previous);
      previous = at;
    }
  });
});
