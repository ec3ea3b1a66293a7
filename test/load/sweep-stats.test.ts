// Sweep statistics: Student's t intervals, Welch comparison, maximum sustainable rate, per-rate summary.
import { describe, expect, it } from 'vitest';
import type { SweepRepetition, SweepStep, SweepStepVerdict } from '../../harness/result/model.js';
import {
  compareEstimates,
  estimate,
  judgeDifference,
  samplesAbove,
  summarizeSweep,
  sustainable,
  tCritical95,
} from '../../harness/result/sweep-stats.js';

describe('estimate', () => {
  it('gives mean, sample stddev and a Student-t 95 % interval', () => {
    // values 10, 12, 14: mean 12, s = 2, t(0.975, 2) = 4.303, half width 4.303·2/√3 = 4.969
    const e = estimate([10, 12, 14]);
    expect(e.mean).toBe(12);
    expect(e.stddev).toBeCloseTo(2, 10);
    expect(e.ci?.halfWidth).toBeCloseTo(4.969, 3);
    expect(e.ci?.low).toBeCloseTo(7.031, 3);
    expect(e.ci?.high).toBeCloseTo(16.969, 3);
  });

  it('has no interval for one value', () => {
    const e = estimate([5]);
    expect(e).toEqual({ values: [5], n: 1, mean: 5, stddev: 0 });
  });

  it('uses t, not 1.96, for small n and approaches 1.96 for large n', () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(4)).toBe(2.776);
    expect(tCritical95(30)).toBe(2.042);
    expect(tCritical95(120)).toBeCloseTo(1.98, 2); // table value 1.980
    expect(tCritical95(0)).toBe(Infinity);
  });
});

describe('compareEstimates', () => {
  it('reports Δ % and significance when the difference is large against the spread', () => {
    const comparison = compareEstimates(estimate([10, 11, 9]), estimate([20, 21, 19]));
    expect(comparison.deltaPercent).toBeCloseTo(100, 10);
    expect(comparison.significant).toBe(true);
  });

  it('does not call overlapping noisy samples significant', () => {
    const comparison = compareEstimates(estimate([10, 14, 6]), estimate([11, 15, 7]));
    expect(comparison.deltaPercent).toBeCloseTo(10, 10);
    expect(comparison.significant).toBe(false);
  });

  it('does not judge one repetition', () => {
    const comparison = compareEstimates(estimate([10]), estimate([20]));
    expect(comparison.significant).toBe(false);
    expect(comparison.note).toMatch(/one repetition/);
  });
});

describe('judgeDifference: the one decision of the views and the ranking', () => {
  it("uses Welch's t-test when both sides were repeated, even where the intervals overlap", () => {
    // means 10 and 18, intervals ±4.97 (n = 3 each, t = 4.30): 5.0–15.0 and 13.0–23.0 overlap, yet
    // Welch's t = 4.9 on 4 degrees of freedom is past 2.78.
    const a = estimate([8, 10, 12]);
    const b = estimate([16, 18, 20]);
    expect(a.ci!.high).toBeGreaterThan(b.ci!.low);
    expect(judgeDifference(a, b)).toEqual({ deltaPercent: 80, significant: true, test: 'welch' });
  });

  it('needs non-overlapping intervals when a side was not repeated', () => {
    const one = { mean: 10, ci: { low: 9, high: 11 } };
    expect(judgeDifference(one, { mean: 13, ci: { low: 12, high: 14 } })).toMatchObject({
      significant: true,
      test: 'intervals',
    });
    expect(judgeDifference(one, { mean: 12, ci: { low: 10.5, high: 13.5 } })).toMatchObject({
      significant: false,
      test: 'intervals',
    });
    expect(judgeDifference(one, { mean: 30 })).toMatchObject({ significant: false, test: 'none' });
  });
});

describe('samplesAbove', () => {
  it('counts what a percentile rests on', () => {
    expect(samplesAbove(1600, 99.9)).toBe(1);
    expect(samplesAbove(10_000, 99)).toBe(100);
  });
});

function step(index: number, offeredRate: number, verdict: SweepStepVerdict, p99: number): SweepStep {
  return {
    index,
    offeredRate,
    sentRate: offeredRate,
    deliveredRate: verdict === 'knee' ? offeredRate * 0.8 : offeredRate,
    expectedRate: offeredRate,
    warmupMs: 500,
    measuredMs: 1000,
    latencyUs: { p50: p99 / 2, p99, p999: p99 * 2, max: p99 * 3 },
    latencySamples: offeredRate,
    drops: 0,
    errors: 0,
    delivery: [],
    generatorSaturated: verdict === 'inconclusive',
    verdict,
    ...(verdict !== 'ok' && { reason: verdict }),
  };
}

function repetition(index: number, steps: SweepStep[]): SweepRepetition {
  const { rate, bound } = sustainable(steps);
  return { index, startedAt: '', durationMs: 0, steps, maxSustainableRate: rate, bound };
}

describe('sustainable and summarizeSweep', () => {
  it('takes the last ok rate before the first step that is not ok', () => {
    expect(sustainable([step(0, 100, 'ok', 1), step(1, 200, 'ok', 1), step(2, 400, 'knee', 9)])).toEqual({
      rate: 200,
      bound: 'knee',
    });
    expect(sustainable([step(0, 100, 'knee', 9)])).toEqual({ rate: 0, bound: 'knee' });
    expect(sustainable([step(0, 100, 'ok', 1), step(1, 200, 'inconclusive', 1)])).toEqual({
      rate: 100,
      bound: 'generator',
    });
    expect(sustainable([step(0, 100, 'ok', 1)])).toEqual({ rate: 100, bound: 'last-rate' });
  });

  it('summarizes each rate over the repetitions that reached it', () => {
    const rates = [100, 200, 400];
    const summary = summarizeSweep(rates, [
      repetition(0, [step(0, 100, 'ok', 1000), step(1, 200, 'ok', 2000), step(2, 400, 'knee', 9000)]),
      repetition(1, [step(0, 100, 'ok', 1200), step(1, 200, 'knee', 8000)]),
      repetition(2, [step(0, 100, 'ok', 1100), step(1, 200, 'ok', 2200), step(2, 400, 'knee', 9500)]),
    ]);
    expect(summary.maxSustainableRate.values).toEqual([200, 100, 200]);
    expect(summary.maxSustainableRate.mean).toBeCloseTo(166.67, 2);
    expect(summary.bound).toBe('knee');
    expect(summary.verdict).toBe('passed');
    expect(summary.steps.map((s) => s.reached)).toEqual([3, 3, 2]);
    expect(summary.steps[0]!.p99Us.mean).toBeCloseTo(1100, 6);
    expect(summary.steps[1]!.verdicts).toEqual({ ok: 2, knee: 1, inconclusive: 0 });
    expect(summary.steps[1]!.verdict).toBe('knee');
  });

  it('is inconclusive when a repetition stopped on the generator', () => {
    const summary = summarizeSweep(
      [100, 200],
      [repetition(0, [step(0, 100, 'ok', 1), step(1, 200, 'inconclusive', 1)])],
    );
    expect(summary.verdict).toBe('inconclusive');
    expect(summary.bound).toBe('generator');
    expect(summary.reason).toMatch(/1 of 1 repetitions/);
  });
});
