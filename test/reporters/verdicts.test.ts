// Inconclusive is a verdict: every reporter shows it as such, the exit code fails on it unless told
// to warn, and `harness compare` claims no regression or improvement on figures either side cannot
// vouch for. Regression tests for the defects of issue 12 (hand-built RunResults).
import { describe, expect, it } from 'vitest';
import { exitCodeForResult } from '../../harness/cli/commands/run.js';
import { compare, renderComparison, renderComparisonMarkdown } from '../../harness/compare/index.js';
import { judgeLoad } from '../../harness/load/verdict.js';
import { renderHtml, renderJUnit, renderMarkdown, renderSummary } from '../../harness/reporters/index.js';
import { summarize } from '../../harness/result/summary.js';
import type { LoadResult, RunResult } from '../../harness/result/model.js';
import { buildRunResult, makeLoad } from './fixtures/run-result.js';

/** A run of loads only, each judged by the verdict rules, the summary counted again. */
function runOf(loads: LoadResult[]): RunResult {
  const base = buildRunResult();
  return { ...base, scenarios: [], loads, summary: summarize([], loads) };
}

/** The issue's saturated generator: 5.4 % of due sends dropped, lateness far beyond the latency's share. */
function saturatedLoad(): LoadResult {
  const load = makeLoad({
    name: 'pairs',
    target: 'mosquitto',
    profile: 'none',
    seed: 3,
    medianUs: 900,
    ratePerSec: 5000,
  });
  load.dropped = Math.round(load.intended * 0.054);
  load.generator = { ...load.generator, saturated: true, eventLoopLagP99Ms: 101, scheduleOverrunMs: 277 };
  load.thresholds = [];
  return judgeLoad(load);
}

describe('a saturated generator', () => {
  it('makes the load inconclusive, never PASSED, and the run exits 1 unless told to warn', () => {
    const load = saturatedLoad();
    expect(load.verdict).toBe('inconclusive');
    expect(load.reason).toContain('due sends dropped (5.4 %');
    const result = runOf([load]);
    const summary = renderSummary(result);
    expect(summary).not.toMatch(/PASSED/);
    expect(summary).toContain('INCONCLUSIVE pairs [mosquitto · none]');
    expect(summary).toMatch(/^INCONCLUSIVE: 1 loads, 0 failed, 1 inconclusive/m);
    expect(exitCodeForResult(result)).toBe(1);
    expect(exitCodeForResult(result, 'warn')).toBe(0);
  });

  it('is a JUnit failure with the reason, an inconclusive Markdown line and an inconclusive HTML badge', () => {
    const result = runOf([saturatedLoad()]);
    const junit = renderJUnit(result);
    expect(junit).toMatch(/<testsuites [^>]*failures="1"/);
    expect(junit).toMatch(
      /<failure message="inconclusive: schedule missed: \d+ of \d+ due sends dropped[^"]*" type="inconclusive">/,
    );
    const markdown = renderMarkdown(result);
    expect(markdown.split('\n')[0]).toBe('## ❔ MQTT harness: inconclusive');
    expect(markdown).toContain('| INCONCLUSIVE |');
    expect(markdown).toContain('- ❔ **pairs** on mosquitto (none): inconclusive — schedule missed');
    const html = renderHtml(result);
    expect(html).toContain('<span class="badge inconclusive">inconclusive</span>');
    expect(html).not.toContain('badge passed');
    expect(html).toContain('<span class="inconclusive">? inconclusive</span>');
  });

  it('a timing threshold it misses does not fail it; a count threshold does', () => {
    const load = saturatedLoad();
    load.thresholds = [{ expression: 'p99 < 1ms', actual: 2.5, ok: false, unit: 'ms', timing: true }];
    expect(judgeLoad(load).verdict).toBe('inconclusive');
    load.thresholds.push({ expression: 'lost == 0', actual: 3, ok: false, unit: '', timing: false });
    expect(judgeLoad(load).verdict).toBe('failed');
    expect(load.inconclusive?.[0]).toContain('schedule missed');
  });
});

describe('a connection storm the kernel turned away', () => {
  it('is inconclusive, naming the listen-queue overflows and SYN retransmits', () => {
    const storm = makeLoad({
      name: 'storm',
      target: 'reference',
      profile: 'none',
      seed: 4,
      medianUs: 5_400_000,
      ratePerSec: 500,
    });
    storm.executor = 'connection-storm';
    storm.thresholds = [];
    storm.kernel = {
      listenOverflows: 2568,
      listenDrops: 2568,
      synRetransmits: 1955,
      retransmittedSegments: 1990,
    };
    judgeLoad(storm);
    expect(storm.verdict).toBe('inconclusive');
    expect(storm.reason).toContain('2568 listen-queue overflows, 1955 SYN retransmits');
    storm.kernel = { listenOverflows: 0, listenDrops: 0, synRetransmits: 0, retransmittedSegments: 4 };
    expect(judgeLoad(storm).verdict).toBe('passed');
  });
});

describe('harness compare', () => {
  it('claims nothing when either side is saturated (the issue\'s "Mosquitto p99 −89 %")', () => {
    const baseline = runOf([saturatedLoad()]);
    const current = runOf([
      makeLoad({
        name: 'pairs',
        target: 'mosquitto',
        profile: 'none',
        seed: 5,
        medianUs: 100,
        ratePerSec: 5000,
      }),
    ]);
    current.loads[0]!.thresholds = [];
    judgeLoad(current.loads[0]!);
    const comparison = compare(baseline, current);
    expect(comparison.loads[0]!.metrics[1]!.change).toBeLessThan(-0.8);
    expect(comparison.loads[0]!.metrics.map((m) => m.direction)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
    expect(comparison.regressions).toBe(0);
    expect(comparison.improvements).toBe(0);
    expect(comparison.inconclusive).toBe(1);
    const text = renderComparison(comparison);
    expect(text).not.toMatch(/improved|REGRESSED/);
    expect(text).toContain('not judged: pairs · mosquitto · none · MQTT 5.0: baseline inconclusive');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^INCONCLUSIVE: no regression found/);
    expect(renderComparisonMarkdown(comparison).split('\n')[0]).toContain('1 load(s) inconclusive');
  });

  it('prints as many regressions as it marks rows REGRESSED', () => {
    const baseline = buildRunResult();
    const current = buildRunResult({ loadScale: 1.3, rateScale: 0.8, extraFailure: true });
    const comparison = compare(baseline, current);
    const text = renderComparison(comparison);
    const marked = text
      .split('\n')
      .filter((line) => / REGRESSED$/.test(line) || line.includes('newly-failing')).length;
    expect(marked).toBeGreaterThan(2);
    expect(text).toContain(`REGRESSED: ${marked} regression(s)`);
  });

  it('never labels "+345 %" unchanged', () => {
    const baseline = buildRunResult();
    const current = buildRunResult();
    const [base, cur] = [baseline.loads[0]!, current.loads[0]!];
    cur.latency.p99 = base.latency.p99 * 4.45;
    // The per-interval p99s spread so widely that the t-test cannot tell the two runs apart.
    base.intervals.forEach((interval, i) => (interval.latency.p99 = i % 2 === 0 ? 100 : 40_000));
    cur.intervals.forEach((interval, i) => (interval.latency.p99 = i % 2 === 0 ? 40_000 : 100));
    const p99 = compare(baseline, current).loads[0]!.metrics[1]!;
    expect(p99.change).toBeCloseTo(3.45, 2);
    expect(p99.significance?.significant).toBe(false);
    const row = renderComparison(compare(baseline, current))
      .split('\n')
      .find((line) => line.includes('fanout-qos1 · reference · lan') && line.includes(' p99 '))!;
    expect(row).toContain('+345.0%');
    expect(row).not.toContain('unchanged');
    expect(row).toMatch(/not significant$/);
  });

  it('the HTML badge does not say passed beside regressions', () => {
    const baseline = buildRunResult();
    const current = buildRunResult({ loadScale: 1.3 });
    current.loads = current.loads.filter((l) => l.verdict === 'passed');
    current.scenarios = current.scenarios.filter((s) => s.verdict !== 'failed');
    current.summary = summarize(current.scenarios, current.loads);
    const comparison = compare(baseline, current);
    expect(comparison.regressed).toBe(true);
    const html = renderHtml(current, { comparison });
    expect(html).toContain('<span class="badge regressed">regressed</span>');
    expect(html).not.toContain('badge passed');
    expect(renderHtml(current)).toContain('<span class="badge passed">passed</span>');
  });
});

describe('a late generator under latency upper bounds that held', () => {
  /**
   * The busy-machine case: every send left, 4.25 ms late at p99, against a 9 ms latency p99 (or the
   * given figures, µs, and a saturated generator).
   */
  function lateLoad(
    thresholds: LoadResult['thresholds'],
    late: { latencyP99: number; latenessP99: number; saturated: boolean } = {
      latencyP99: 9_000,
      latenessP99: 4_250,
      saturated: false,
    },
  ): LoadResult {
    const load = makeLoad({
      name: 'fanin',
      target: 'reference',
      profile: 'none',
      seed: 5,
      medianUs: 500,
      ratePerSec: 200,
    });
    load.dropped = 0;
    load.generator = { ...load.generator, saturated: late.saturated };
    load.latency = { ...load.latency, p99: late.latencyP99 };
    load.sendLateness = {
      ...(load.sendLateness ?? load.serviceTime ?? ({} as never)),
      percentiles: { ...load.latency, p99: late.latenessP99 },
    } as never;
    load.thresholds = thresholds;
    return judgeLoad(load);
  }
  const bound = {
    expression: 'p99 < 2s',
    actual: 0.009,
    ok: true,
    unit: 's',
    timing: true,
    latencyUpperBound: true,
  };

  it('passes with the lateness as a caveat: latency from the intended time only grows with lateness', () => {
    const load = lateLoad([bound, { expression: 'lost == 0', actual: 0, ok: true, unit: '', timing: false }]);
    expect(load.verdict).toBe('passed');
    expect(load.caveats?.[0]).toMatch(/^schedule missed: send lateness p99 4\.25 ms > 2 ms .*upper bounds/);
    const result = runOf([load]);
    expect(renderSummary(result)).toContain('Load caveats (1)');
    expect(renderMarkdown(result)).toContain(
      '- ⚠️ **fanin** on reference (none): passed; caveat: schedule missed',
    );
    expect(renderHtml(result)).toContain('passed, caveat: schedule missed');
  });

  it('is inconclusive when a bound failed, when a timing claim is not an upper bound, or when nothing is claimed', () => {
    expect(lateLoad([{ ...bound, ok: false }]).verdict).toBe('inconclusive');
    expect(
      lateLoad([bound, { expression: 'rate >= 200', actual: 199, ok: true, unit: '/s', timing: true }])
        .verdict,
    ).toBe('inconclusive');
    expect(lateLoad([]).verdict).toBe('inconclusive');
    expect(lateLoad([]).caveats).toBeUndefined();
  });

  it('is inconclusive when the generator is saturated, and the reason names the saturation', () => {
    const load = lateLoad([bound], { latencyP99: 171_000, latenessP99: 85_600, saturated: true });
    expect(load.verdict).toBe('inconclusive');
    expect(load.caveats).toBeUndefined();
    expect(load.reason).toMatch(
      /^schedule missed: send lateness p99 85\.6 ms > 17\.1 ms .*; the generator is saturated/,
    );
  });
});
