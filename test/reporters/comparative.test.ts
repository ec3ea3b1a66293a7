// The comparative views as pure functions of the result: rows in profile order, Δ against the
// baseline marked only where the intervals do not overlap, repetitions, maximum sustainable rate,
// sample-size caveats, inconclusive cells; and the same tables in Markdown and on the console.
import { describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown, renderSummary } from '../../harness/reporters/index.js';
import { comparativeView, maxSustainable } from '../../harness/reporters/render/comparative/view.js';
import { pointOf } from '../../harness/reporters/render/comparative/points.js';
import { quantileRanks } from '../../harness/reporters/render/comparative/stats.js';
import { tCritical95 } from '../../harness/result/sweep-stats.js';
import { load, resultOf, threeByThree } from './fixtures/comparative.js';

describe('comparative view', () => {
  it('orders profiles lan → 3g → lossy-5 and compares with the first target', () => {
    const view = comparativeView(threeByThree())!;
    expect(view.baseline).toBe('reference');
    expect(view.targets).toEqual(['reference', 'mosquitto', 'aedes']);
    const workload = view.workloads[0]!;
    expect(workload.rows.map((r) => r.profile)).toEqual(['lan', '3g', 'lossy-5']);
  });

  it('marks half the latency as significantly better and the same latency as not significant', () => {
    const view = comparativeView(threeByThree())!;
    for (const row of view.workloads[0]!.rows) {
      const mosquitto = row.cells.get('mosquitto')!.delta!;
      expect(mosquitto.p50!.change).toBeGreaterThan(-0.6);
      expect(mosquitto.p50!.change).toBeLessThan(-0.4);
      expect(mosquitto.p50).toMatchObject({ significant: true, better: true });
      const aedes = row.cells.get('aedes')!.delta!;
      expect(Math.abs(aedes.p50!.change)).toBeLessThan(0.1);
      expect(aedes.p50!.significant).toBe(false);
      expect(row.cells.get('reference')!.delta).toBeUndefined();
    }
  });

  it('takes another baseline when asked, and says so when the name is not a target', () => {
    const view = comparativeView(threeByThree(), { baselineTarget: 'mosquitto' })!;
    expect(view.baseline).toBe('mosquitto');
    const reference = view.workloads[0]!.rows[0]!.cells.get('reference')!.delta!.p50!;
    expect(reference.change).toBeGreaterThan(0.6);
    expect(reference).toMatchObject({ significant: true, better: false });
    const unknown = comparativeView(threeByThree(), { baselineTarget: 'nope' })!;
    expect(unknown.baseline).toBe('reference');
    expect(unknown.baselineNote).toContain("'nope' is not a target");
  });

  it('gives each latency cell an interval that holds the value', () => {
    const cell = comparativeView(threeByThree())!.workloads[0]!.rows[0]!.cells.get('reference')!;
    for (const id of ['p50', 'p99', 'p999'] as const) {
      const m = cell.metrics[id];
      expect(m.method).toBe('order-statistics');
      expect(m.ci!.low).toBeLessThanOrEqual(m.value);
      expect(m.ci!.high).toBeGreaterThanOrEqual(m.value);
    }
    expect(cell.metrics.p50.ci!.high - cell.metrics.p50.ci!.low).toBeLessThan(cell.metrics.p50.value * 0.2);
  });

  it('flags percentiles resting on fewer than 100 samples above them (p99.9 of 1,600 rests on ~2)', () => {
    const l = load({ target: 'a', profile: 'lan', medianUs: 1000 });
    expect(Math.abs(l.latency.count - 1600)).toBeLessThan(50); // 8 s at 200/s, ±5 % per second
    const view = comparativeView(resultOf([l, load({ target: 'b', profile: 'lan', medianUs: 1000 })]))!;
    const cell = view.workloads[0]!.rows[0]!.cells.get('a')!;
    expect(cell.metrics.p999.caveat).toBe('p99.9 rests on ~2 samples above it');
    expect(cell.metrics.p99.caveat).toBe('p99 rests on ~16 samples above it');
    expect(cell.metrics.p50.caveat).toBeUndefined();
  });

  it('averages repetitions with a t interval', () => {
    const loads = [1000, 1100, 900].flatMap((m) => [
      load({ target: 'a', profile: 'lan', medianUs: m }),
      load({ target: 'b', profile: 'lan', medianUs: m * 3 }),
    ]);
    const cell = comparativeView(resultOf(loads))!.workloads[0]!.rows[0]!.cells.get('b')!;
    expect(cell.repetitions).toBe(3);
    expect(cell.metrics.p50.method).toBe('repetitions');
    expect(cell.delta!.p50).toMatchObject({ significant: true, better: false });
    expect(tCritical95(2)).toBeCloseTo(4.303);
  });

  it('greys out a saturated run: inconclusive, not judged, listed with its reason', () => {
    const loads = [
      load({ target: 'a', profile: 'lan', medianUs: 1000 }),
      load({ target: 'b', profile: 'lan', medianUs: 5000, saturated: true }),
    ];
    const view = comparativeView(resultOf(loads))!;
    const cell = view.workloads[0]!.rows[0]!.cells.get('b')!;
    expect(cell.status).toBe('inconclusive');
    expect(cell.delta!.p50!.significant).toBe(false);
    expect(view.inconclusive).toEqual([
      expect.objectContaining({
        target: 'b',
        profile: 'lan',
        reason: expect.stringContaining('generator saturated'),
      }),
    ]);
    const html = renderHtml(resultOf(loads));
    expect(html).toContain('class="badge inconclusive" href="#compare"');
    expect(html).toContain('<div class="cell inconclusive"');
  });

  it('finds the maximum sustainable rate, the knee, and says when the knee was not reached', () => {
    const held = [100, 200, 400].map((rate) =>
      pointOf(load({ target: 'a', profile: 'lan', medianUs: 1000, rate })),
    );
    expect(maxSustainable(held)).toEqual({ bound: 'at-least', value: 400 });
    const knee = [
      ...[100, 200].map((rate) => pointOf(load({ target: 'a', profile: 'lan', medianUs: 1000, rate }))),
      pointOf(load({ target: 'a', profile: 'lan', medianUs: 1000, rate: 400, deliveredShare: 0.8 })),
    ];
    const m = maxSustainable(knee);
    expect(m).toMatchObject({ bound: 'exact', value: 200, next: { rate: 400 } });
    expect(m.next!.why).toContain('delivered 320/s');
    // p99 over the SLO of the load's threshold (p99 < 20ms) at the lowest rate already.
    const slow = pointOf(load({ target: 'a', profile: '3g', medianUs: 200_000, rate: 100 }));
    expect(slow.sloUs).toBe(20_000);
    expect(maxSustainable([slow])).toMatchObject({
      bound: 'below',
      value: 100,
      next: { why: 'p99 over the SLO' },
    });
  });

  it('has no comparison for one target under one profile', () => {
    expect(
      comparativeView(resultOf([load({ target: 'a', profile: 'lan', medianUs: 1000 })])),
    ).toBeUndefined();
  });

  it('bounds the order-statistics ranks', () => {
    // 1598.4 ± 1.96·√1.6: from the 1,595th sample to the largest.
    expect(quantileRanks(1600, 0.999)).toEqual({ low: 1595, high: 1600 });
    const r = quantileRanks(10_000, 0.5);
    expect(r.low).toBeLessThan(5000);
    expect(r.high).toBeGreaterThan(5000);
  });
});

describe('comparative tables in Markdown and on the console', () => {
  it('Markdown carries a table per metric with targets as columns and Δ', () => {
    const md = renderMarkdown(threeByThree());
    expect(md).toContain('### Comparison');
    expect(md).toContain('**p99 latency**');
    expect(md).toContain('| profile | offered | reference (baseline) | mosquitto | aedes |');
    const p50 = md.slice(md.indexOf('**p50 latency**'), md.indexOf('**p99 latency**'));
    const rows = p50.split('\n').filter((line) => /^\| (lan|3g|lossy-5) /.test(line));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| lan', '| 3g', '| lossy-5']);
    for (const row of rows) expect(row).toMatch(/Δ −\d+(\.\d)?% better/);
    expect(md).toContain('**maximum sustainable rate');
    expect(md).toContain('† p99.9 rests on fewer than 100 samples above it');
  });

  it('the baseline option reaches the Markdown tables', () => {
    const md = renderMarkdown(threeByThree(), { baselineTarget: 'aedes' });
    expect(md).toContain('| profile | offered | reference | mosquitto | aedes (baseline) |');
  });

  it('the console summary carries the tables', () => {
    const text = renderSummary(threeByThree());
    expect(text).toContain('Comparison — Baseline: reference.');
    expect(text).toMatch(/p99 latency\n\s+profile\s+offered\s+reference \(baseline\)\s+mosquitto\s+aedes/);
    expect(text).toMatch(/lossy-5\s+200\/s/);
  });
});

describe('delivered messages/s over time', () => {
  it('plots what was received, below the offered rate when the broker falls behind', () => {
    const behind = load({ target: 'b', profile: 'lan', medianUs: 1000, deliveredShare: 0.5 });
    const html = renderHtml(resultOf([load({ target: 'a', profile: 'lan', medianUs: 1000 }), behind]));
    const chart = html.slice(html.indexOf('aria-label="Delivered messages/s over time'));
    const svg = chart.slice(0, chart.indexOf('</svg>'));
    expect(svg).toContain('offered 200/s');
    const values = (target: string): number[] =>
      [...svg.matchAll(new RegExp(`<title>${target}: [\\d.]+s → (\\d+)</title>`, 'g'))].map((m) =>
        Number(m[1]),
      );
    expect(values('a')).toHaveLength(8);
    expect(values('b')).toHaveLength(8);
    for (const v of values('a')) expect(v).toBeGreaterThan(185);
    for (const v of values('b')) expect(v).toBeLessThan(115);
  });
});
