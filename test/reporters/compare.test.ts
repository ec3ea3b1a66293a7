// compare(): load metrics judged as the report's tables judge them (judgeDifference on the cells'
// 95 % intervals), the threshold, newly failing scenarios; and the statistics against closed forms
// of Student's t distribution.
import { describe, expect, it } from 'vitest';
import { compare, incompleteBeta, studentTwoSidedP, welchTTest } from '../../harness/compare/index.js';
import { loadKey, type RunResult } from '../../harness/result/index.js';
import { comparativeView } from '../../harness/reporters/render/comparative/view.js';
import { buildRunResult } from './fixtures/run-result.js';

describe('statistics', () => {
  it('matches closed forms of the t distribution', () => {
    // df = 1 is the Cauchy distribution: P(|T| > 1) = 1/2.
    expect(studentTwoSidedP(1, 1)).toBeCloseTo(0.5, 10);
    // df = 2: P(|T| > t) = 1 − t / sqrt(2 + t²).
    for (const t of [0.5, 1, 2, 4.3])
      expect(studentTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 9);
    // Large df approaches the normal distribution: P(|Z| > 1.959964) = 0.05.
    expect(studentTwoSidedP(1.959964, 1e6)).toBeCloseTo(0.05, 4);
    expect(incompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 4); // I_0.3(2,3) = 0.3483
  });

  it("computes Welch's t and degrees of freedom", () => {
    const a = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0];
    const b = [
      28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3,
      20.4, 23.9, 13.3,
    ];
    const result = welchTTest(a, b)!;
    // Reference values computed independently (plain formulas, p by Simpson integration of the
    // t density): t = −2.2255, df = 24.52, p = 0.03548.
    expect(result.t).toBeCloseTo(-2.2255, 3);
    expect(result.df).toBeCloseTo(24.5246, 3);
    expect(result.pValue).toBeCloseTo(0.035485, 5);
    expect(welchTTest([1], [1, 2])).toBeUndefined();
    expect(welchTTest([3, 3], [3, 3])?.pValue).toBe(1);
    expect(welchTTest([3, 3], [4, 4])?.pValue).toBe(0);
  });
});

describe('compare', () => {
  it('finds no change between a run and itself', () => {
    const run = buildRunResult();
    const comparison = compare(run, run);
    expect(comparison.regressed).toBe(false);
    expect(comparison.regressions).toBe(0);
    expect(comparison.loads.length).toBe(3);
    for (const m of comparison.loads.flatMap((l) => l.metrics)) {
      expect(m.direction).toBe('unchanged');
      expect(m.change).toBe(0);
      expect(m.significance?.test).toBe('intervals');
    }
    expect(comparison.scenarios).toEqual([]);
  });

  it('reports slower, lower-rate loads and newly failing scenarios as regressions', () => {
    const baseline = buildRunResult();
    const current = buildRunResult({ loadScale: 1.3, rateScale: 0.8, extraFailure: true, fixPublish: true });
    const comparison = compare(baseline, current, { threshold: 0.05 });
    expect(comparison.regressed).toBe(true);
    const lan = comparison.loads.find((l) => l.key === 'fanout-qos1 · reference · lan · MQTT 5.0')!;
    expect(lan.metrics.map((m) => [m.metric, m.direction])).toEqual([
      ['p50', 'regressed'],
      ['p99', 'regressed'],
      ['rate', 'regressed'],
    ]);
    expect(lan.metrics[0]!.change).toBeCloseTo(0.3, 1);
    expect(lan.metrics[0]!.significance!.significant).toBe(true);
    expect(comparison.scenarios.map((s) => [s.kind, s.key])).toEqual([
      ['newly-failing', 'connect-basic|reference|5.0|lan'],
      ['fixed', 'publish-qos1-puback|mosquitto|5.0|lan'],
    ]);
    // Every regressed row counts: metric rows, verdict rows and the newly failing scenario.
    const regressedRows = comparison.loads.reduce(
      (sum, l) =>
        sum +
        l.metrics.filter((m) => m.direction === 'regressed').length +
        (l.verdictChange === 'regressed' ? 1 : 0),
      0,
    );
    expect(regressedRows).toBeGreaterThan(3);
    expect(comparison.regressions).toBe(regressedRows + 1);
  });

  it("leaves a run's short last interval (the drain) out of the rate samples", () => {
    const baseline = buildRunResult();
    const current = buildRunResult();
    for (const load of current.loads) {
      const last = load.intervals.at(-1)!;
      // A 20 ms tail with a handful of late deliveries: as a rate over a whole second it would be ~0.
      load.intervals.push({ ...last, startMs: last.startMs + 1000, durationMs: 20, sent: 0, received: 3 });
    }
    const comparison = compare(baseline, current, { threshold: 0.05 });
    const rate = comparison.loads[0]!.metrics.find((m) => m.metric === 'rate')!;
    expect(rate.significance?.test).toBe('intervals');
    expect(rate.direction).toBe('unchanged');
  });

  it('counts faster loads as improvements, not regressions', () => {
    const comparison = compare(buildRunResult({ loadScale: 1.3 }), buildRunResult());
    expect(comparison.regressed).toBe(false);
    const improvedRows = comparison.loads.flatMap((l) => l.metrics).filter((m) => m.direction === 'improved');
    expect(improvedRows.map((m) => m.metric)).toEqual(['p50', 'p99', 'p50', 'p99', 'p50', 'p99']);
    expect(comparison.improvements).toBe(6);
  });

  it('ignores changes below the threshold, and changes the t-test cannot tell from noise', () => {
    const comparison = compare(buildRunResult(), buildRunResult({ loadScale: 1.03 }), { threshold: 0.05 });
    expect(comparison.loads.flatMap((l) => l.metrics).every((m) => m.direction === 'unchanged')).toBe(true);
    // 3% is beyond a 1% threshold, but the intervals vary by ±10%: not significant, so unchanged.
    const strict = compare(buildRunResult(), buildRunResult({ loadScale: 1.03 }), { threshold: 0.01 });
    const p50 = strict.loads[0]!.metrics[0]!;
    expect(p50.change).toBeGreaterThan(0.01);
    expect(p50.significance!.significant).toBe(false);
    expect(strict.regressed).toBe(false);
  });

  it('does not call a change significant when the interval samples overlap', () => {
    const baseline = buildRunResult();
    const current = buildRunResult();
    // Same mean over the run, but an aggregate p99 10% higher: intervals spread widely on both sides.
    const load = current.loads[0]!;
    load.latency.p99 *= 1.1;
    load.intervals.forEach((interval, i) => (interval.latency.p99 *= i % 2 === 0 ? 1.6 : 0.6));
    const base = baseline.loads[0]!;
    base.intervals.forEach((interval, i) => (interval.latency.p99 *= i % 2 === 0 ? 0.6 : 1.6));
    const p99 = compare(baseline, current).loads[0]!.metrics[1]!;
    expect(p99.change).toBeCloseTo(0.1, 5);
    expect(p99.significance!.significant).toBe(false);
    // Beyond the threshold but not significant: said as such, never "unchanged".
    expect(p99.direction).toBe('not-significant');
  });

  it('decides by the threshold alone when a figure has no interval (one 1 s interval: no rate interval), and flags a load verdict flip', () => {
    const baseline = buildRunResult();
    const current = buildRunResult({ loadScale: 1.5, rateScale: 0.8 });
    for (const run of [baseline, current]) for (const l of run.loads) l.intervals = l.intervals.slice(0, 1);
    current.loads[0]!.verdict = 'failed';
    const comparison = compare(baseline, current);
    const first = comparison.loads[0]!;
    // The latency percentiles still have their order-statistics intervals (from the histogram).
    expect(first.metrics[0]!.significance?.test).toBe('intervals');
    expect(first.metrics[0]!.direction).toBe('regressed');
    const rate = first.metrics.find((m) => m.metric === 'rate')!;
    expect(rate.significance).toBeUndefined();
    expect(rate.direction).toBe('regressed');
    expect(first.currentVerdict).toBe('failed');
    expect(first.regressed).toBe(true);
  });

  it("judges a change as the report's comparison tables do (judgeDifference on the cells' evidence)", () => {
    // The same load measured twice, slower by `scale`: compare() between two runs, and the
    // comparative view of one run holding both as two targets, must make the same decision.
    // compare's own test before (Welch's t over the per-interval figures) decided some of these
    // differently from the report (the delivered rate at ×1.02, for one).
    const decisions: string[] = [];
    for (const scale of [1.005, 1.02, 1.04]) {
      const baseline = buildRunResult();
      const current = buildRunResult({ loadScale: scale, rateScale: 2 - scale });
      const comparison = compare(baseline, current, { threshold: 0.001 });
      const key = 'fanout-qos1 · reference · lan · MQTT 5.0';
      const load = comparison.loads.find((l) => l.key === key)!;
      const before = baseline.loads.find((l) => loadKey(l) === key)!;
      // The same offered rate (one row of the table); fewer deliveries at the lower rate scale.
      const after = {
        ...current.loads.find((l) => loadKey(l) === key)!,
        target: 'slower',
        config: before.config,
      };
      const both: RunResult = { ...baseline, scenarios: [], loads: [before, after] };
      const view = comparativeView(both, { baselineTarget: 'reference' })!;
      const cell = view.workloads[0]!.rows[0]!.cells.get('slower')!;
      for (const [metric, id] of [
        ['p50', 'p50'],
        ['p99', 'p99'],
        ['rate', 'delivered'],
      ] as const) {
        const m = load.metrics.find((x) => x.metric === metric)!;
        expect(m.significance?.significant, `${metric} at ×${scale}`).toBe(cell.delta![id]!.significant);
        decisions.push(`${scale} ${metric} ${m.direction}`);
      }
    }
    expect(decisions).toContain('1.04 p50 regressed');
    expect(decisions).toContain('1.005 p50 not-significant');
  }, 120_000); // three fixtures of ~10,000 histogram samples each: slow only on a saturated machine
});
