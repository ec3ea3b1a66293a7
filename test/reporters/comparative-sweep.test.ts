// The comparative views over rate sweeps (RunResult.sweeps): a row per profile and offered rate, a
// cell per target with the mean over repetitions and its t interval, Δ judged by Welch's t-test,
// the maximum sustainable rate from the sweep with the rate that broke it, the knee shown as such,
// and an inconclusive sweep greyed out; the latency chart draws one line per target.
import { describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown } from '../../harness/reporters/index.js';
import { comparativeView } from '../../harness/reporters/render/comparative/view.js';
import { compareEstimates, significantOrder } from '../../harness/result/sweep-stats.js';
import { sweepOf, sweepResult } from './fixtures/sweep.js';

function run() {
  return sweepResult([
    sweepOf({ target: 'reference', profile: 'lan', medianUs: 1000, kneeAt: 800 }),
    sweepOf({ target: 'mosquitto', profile: 'lan', medianUs: 500 }),
    sweepOf({ target: 'reference', profile: '3g', medianUs: 200_000, kneeAt: 400 }),
    sweepOf({ target: 'mosquitto', profile: '3g', medianUs: 200_000, saturatedAt: 200 }),
  ]);
}

describe('comparative views of rate sweeps', () => {
  it('has a row per profile and rate, with the mean of the repetitions and Welch-judged Δ', () => {
    const view = comparativeView(run())!;
    const workload = view.workloads[0]!;
    expect(workload.name).toBe('sweep-pairs · MQTT 5.0');
    expect(workload.rows.map((r) => `${r.profile}@${r.offeredPerSec}`)).toEqual([
      'lan@100',
      'lan@200',
      'lan@400',
      'lan@800',
      '3g@100',
      '3g@200',
      '3g@400',
    ]);
    const lan100 = workload.rows[0]!;
    const mosquitto = lan100.cells.get('mosquitto')!;
    expect(mosquitto.repetitions).toBe(3);
    expect(mosquitto.metrics.p50.method).toBe('repetitions');
    expect(mosquitto.metrics.p50.value).toBeCloseTo(500, 5);
    expect(mosquitto.delta!.p50).toMatchObject({ significant: true, better: true, test: 'welch' });
    expect(mosquitto.delta!.p50!.change).toBeCloseTo(-0.5, 5);
    const knee = workload.rows[3]!.cells.get('reference')!;
    expect(knee.status).toBe('knee');
    expect(knee.reason).toBe('delivered 70 % of offered');
  });

  it('takes the maximum sustainable rate from the sweep, and greys the inconclusive one', () => {
    const view = comparativeView(run())!;
    const max = view.workloads[0]!.maxRate;
    expect(max.get('lan')!.get('reference')).toMatchObject({
      bound: 'exact',
      value: 400,
      repetitions: 3,
      next: { rate: 800, why: 'delivered 70 % of offered' },
    });
    expect(max.get('lan')!.get('mosquitto')).toMatchObject({ bound: 'at-least', value: 800 });
    expect(max.get('3g')!.get('reference')).toMatchObject({ bound: 'exact', value: 200 });
    expect(max.get('3g')!.get('mosquitto')).toMatchObject({ bound: 'at-least', value: 100 });
    expect(view.inconclusive).toEqual([
      expect.objectContaining({ target: 'mosquitto', profile: '3g', reason: 'generator saturated' }),
    ]);
  });

  it('renders lines per target against delivered rate, with the SLO, and the tables in Markdown', () => {
    const html = renderHtml(run());
    const lan = html.slice(
      html.indexOf('aria-label="Latency against delivered rate: sweep-pairs · MQTT 5.0 (lan)"'),
    );
    const svg = lan.slice(0, lan.indexOf('</svg>'));
    expect(svg.match(/<path /g)).toHaveLength(4); // p50 and p99 of two targets
    expect(svg).toContain('SLO p99 50ms');
    expect(html).toContain('class="badge inconclusive"');
    const md = renderMarkdown(run());
    expect(md).toContain('| lan | 800/s | 26ms ±1.29ms (knee) n=3 | 650µs ±32µs Δ −97.5% better n=3 |');
    expect(md).toContain(
      '| lan | p99=50ms | 400/s ±0 (n=3) | ≥ 800/s ±0 (n=3) Δ +100% better | mosquitto > reference |',
    );
    expect(md).toContain('reference · lan: 800/s not sustained (delivered 70 % of offered)');
  });

  it('shows a step that measured nothing as no data, not as zero, and compares nothing with it', () => {
    const empty = sweepOf({ target: 'aedes', profile: 'lan', medianUs: 1000, saturatedAt: 100 });
    for (const repetition of empty.repetitions)
      for (const step of repetition.steps) {
        step.latencySamples = 0;
        step.deliveredRate = 0;
        step.latencyUs = { p50: 0, p99: 0, p999: 0, max: 0 };
      }
    const result = sweepResult([sweepOf({ target: 'reference', profile: 'lan', medianUs: 1000 }), empty]);
    const cell = comparativeView(result)!.workloads[0]!.rows[0]!.cells.get('aedes')!;
    expect(cell.status).toBe('inconclusive');
    expect(Number.isNaN(cell.metrics.p99.value)).toBe(true);
    expect(cell.metrics.p99.caveat).toBeUndefined();
    expect(cell.delta).toEqual({});
    expect(renderMarkdown(result)).toContain('| lan | 100/s | 1ms ±50µs n=3 | no data (inconclusive) n=3 |');
  });
});

describe('the maximum sustainable rate: the table marks what the ranking claims', () => {
  // lan: the baseline's climbs were all cut short by the generator at 200/s (lower bounds of 100,
  // zero variance); mosquitto found its knee at 800 (400 sustained). Welch's t-test over all climbs
  // calls 400 against 100 significant, but a lower bound cannot be the lower side of a claim: the
  // ranking makes none, so the table must not mark mosquitto better. 3g: both found knees, 200
  // against 400: the ranking claims mosquitto > reference and aedes (knee at 200: 100) below both.
  function ranked() {
    return sweepResult([
      sweepOf({ target: 'reference', profile: 'lan', medianUs: 1000, saturatedAt: 200 }),
      sweepOf({ target: 'mosquitto', profile: 'lan', medianUs: 1000, kneeAt: 800 }),
      sweepOf({ target: 'reference', profile: '3g', medianUs: 200_000, kneeAt: 400 }),
      sweepOf({ target: 'mosquitto', profile: '3g', medianUs: 200_000, kneeAt: 800 }),
      sweepOf({ target: 'aedes', profile: '3g', medianUs: 200_000, kneeAt: 200 }),
    ]);
  }

  it('marks better/worse exactly where significantOrder claims an order against the baseline', () => {
    const result = ranked();
    const workload = comparativeView(result)!.workloads[0]!;
    const lanRates = (t: string) =>
      result.sweeps!.find((s) => s.profile === 'lan' && s.target === t)!.maxSustainableRate;
    // The old decision (Welch over every climb) would have marked lan:
    expect(compareEstimates(lanRates('reference'), lanRates('mosquitto')).significant).toBe(true);
    expect(workload.maxRate.get('lan')!.get('mosquitto')!.delta).toEqual({
      change: 3,
      mark: 'not significant',
    });
    expect(workload.order.get('lan')).toEqual([]);
    expect(workload.maxRate.get('3g')!.get('mosquitto')!.delta).toEqual({ change: 1, mark: 'better' });
    expect(workload.maxRate.get('3g')!.get('aedes')!.delta).toEqual({ change: -0.5, mark: 'worse' });
    expect(workload.maxRate.get('3g')!.get('reference')!.delta).toBeUndefined();
    for (const [profile, perTarget] of workload.maxRate) {
      const claims = workload.order.get(profile)!;
      for (const [target, m] of perTarget) {
        if (target === 'reference') continue;
        const expected = claims.some((c) => c.higher === target && c.lower === 'reference')
          ? 'better'
          : claims.some((c) => c.higher === 'reference' && c.lower === target)
            ? 'worse'
            : 'not significant';
        expect(m.delta?.mark, `${target} · ${profile}`).toBe(expected);
      }
    }
    expect(significantOrder(result.sweeps!.filter((s) => s.profile === '3g'))).toEqual(
      workload.order.get('3g'),
    );
  });

  it('prints the marks and the ranking in Markdown and HTML', () => {
    const md = renderMarkdown(ranked());
    expect(md).toContain(
      '| lan | p99=50ms | ≥ 100/s ±0 (n=3) | 400/s ±0 (n=3) Δ +300% | – | no significant difference |',
    );
    expect(md).toContain(
      '| 3g | p99=50ms | 200/s ±0 (n=3) | 400/s ±0 (n=3) Δ +100% better | 100/s ±0 (n=3) Δ −50.0% worse | mosquitto > aedes, mosquitto > reference, reference > aedes |',
    );
    expect(md).toContain('ranked by maximum sustainable rate · lan: no significant difference');
    expect(md).toContain(
      'ranked by maximum sustainable rate · 3g: mosquitto > aedes, mosquitto > reference, reference > aedes',
    );
    const html = renderHtml(ranked());
    const table = html.slice(html.indexOf('data-metric="max-rate"'));
    expect(table.slice(0, table.indexOf('</table>'))).toContain(
      '<span class="delta better">Δ +100% better</span>',
    );
  });
});
