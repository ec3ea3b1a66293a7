// Building blocks of the renderers: percentile curves from encoded HDR histograms, the SVG chart,
// merging results, and renderers on degenerate results (empty, undecodable histogram).
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { renderHtml, renderJUnit, renderMarkdown, renderSummary } from '../../harness/reporters/index.js';
import { combineRuns } from '../../harness/result/merge.js';
import { bySection, sectionOf } from '../../harness/reporters/render/aggregate.js';
import { formatHex, formatMicros } from '../../harness/reporters/render/format.js';
import { percentileCurve, percentileLabel } from '../../harness/reporters/render/histogram.js';
import { lineChart, niceTicks } from '../../harness/reporters/render/svg-chart.js';
import type { RunResult } from '../../harness/result/model.js';
import { buildRunResult } from './fixtures/run-result.js';
import { parseXml } from './xml.js';

describe('percentileCurve', () => {
  it('follows the histogram: x = -log10(1 - p), values from the decoded histogram', () => {
    const h = hdr.build({ numberOfSignificantValueDigits: 3 });
    for (let v = 1; v <= 10_000; v++) h.recordValue(v);
    const curve = percentileCurve({ encoded: hdr.encodeIntoCompressedBase64(h), unit: 'us' }, 1)!;
    expect(curve.map((p) => p.x)).toEqual([0, 1, 2, 3, 4, 5]); // one step past 1/count, capped at 99.999%
    expect(curve[1]!.valueUs).toBeGreaterThanOrEqual(8990); // p90 of 1..10000
    expect(curve[1]!.valueUs).toBeLessThanOrEqual(9010);
    expect(curve[2]!.valueUs).toBeGreaterThanOrEqual(9890); // p99
    expect(curve[4]!.valueUs).toBeGreaterThanOrEqual(9995); // p99.99
    for (let i = 1; i < curve.length; i++)
      expect(curve[i]!.valueUs).toBeGreaterThanOrEqual(curve[i - 1]!.valueUs);
  });

  it('returns undefined for garbage or an empty histogram', () => {
    expect(percentileCurve({ encoded: 'not-a-histogram', unit: 'us' })).toBeUndefined();
    const empty = hdr.build();
    expect(percentileCurve({ encoded: hdr.encodeIntoCompressedBase64(empty), unit: 'us' })).toBeUndefined();
  });

  it('labels the log axis', () => {
    expect([0, 1, 2, 3, 5].map(percentileLabel)).toEqual(['0%', '90%', '99%', '99.9%', '99.999%']);
  });
});

describe('lineChart', () => {
  it('draws one path per series, escaped labels and round ticks', () => {
    const svg = lineChart({
      title: 'a <b> & "c"',
      series: [
        {
          name: 'one',
          points: [
            [0, 1],
            [1, 3],
          ],
        },
        {
          name: 'two',
          points: [
            [0, 2],
            [1, 2],
          ],
        },
      ],
      x: { label: 'x' },
      y: { label: 'y', min: 0 },
    });
    expect(svg.match(/<path /g)?.length).toBe(2);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(niceTicks(0, 7).map((t) => t.value)).toEqual([0, 2, 4, 6, 8]);
    expect(() => parseXml(svg)).not.toThrow();
  });
});

describe('format', () => {
  it('prints latencies and hex', () => {
    expect([850, 1234, 65_400, 2_500_000].map(formatMicros)).toEqual(['850µs', '1.23ms', '65.4ms', '2.5s']);
    expect(formatHex('0a0B ff')).toBe('0a 0b ff');
    expect(formatHex('00'.repeat(200), 4)).toBe('00 00 00 00 … (200 bytes)');
  });
});

describe('sections', () => {
  it('groups results by spec section of their statement ids', () => {
    expect(sectionOf('MQTT-3.3.1-4')).toBe('3.3');
    expect(sectionOf('MQTT-4.7.1-1')).toBe('4.7');
    expect(sectionOf('custom')).toBe('other');
    const groups = bySection(buildRunResult());
    expect(groups.map((g) => g.section)).toEqual(['3.1', '3.2', '3.3', '3.8', '4.3']);
    const subscribe = groups.find((g) => g.section === '3.8')!;
    expect(subscribe.title).toBe('SUBSCRIBE');
    expect(subscribe.counts).toMatchObject({ passed: 2, failed: 1, skipped: 1, deviations: 1 });
  });
});

describe('degenerate results', () => {
  const empty: RunResult = {
    schemaVersion: 1,
    tool: { name: 'mqtt-harness', version: '0.1.0' },
    startedAt: '2026-01-15T10:00:00.000Z',
    durationMs: 5,
    interrupted: { reason: 'SIGINT' },
    targets: [],
    profiles: [],
    scenarios: [],
    loads: [],
    summary: { total: 0, passed: 0, failed: 0, skipped: 0, warnings: 0, deviations: 0, loadsFailed: 0 },
  };

  it('render an empty, interrupted run', () => {
    expect(renderSummary(empty)).toContain('INTERRUPTED: 0 passed');
    expect(renderMarkdown(empty)).toContain('**Interrupted:** SIGINT');
    expect(parseXml(renderJUnit(empty)).attributes['tests']).toBe('0');
    expect(renderHtml(empty)).toContain('interrupted: SIGINT');
  });

  it('leave a short last interval out of the delivered/s chart, and say so', () => {
    const result = buildRunResult();
    const load = result.loads[0]!;
    result.loads = [load];
    const rateChart = (html: string): string => {
      const start = html.indexOf('Delivered messages/s over time');
      return html.slice(start, html.indexOf('</svg>', start));
    };
    const full = renderHtml(result);
    expect(full).not.toContain('is not plotted as a rate');
    const last = load.intervals.at(-1)!;
    load.intervals.push({ ...last, startMs: last.startMs + 1000, durationMs: 30, sent: 0, received: 2 });
    const html = renderHtml(result);
    expect(html).toContain('is not plotted as a rate');
    // Same line as without the tail: the 30 ms interval adds no point.
    expect(rateChart(html)).toBe(rateChart(full));
  });

  it('render a load whose histogram cannot be decoded', () => {
    const result = buildRunResult();
    result.loads = [{ ...result.loads[0]!, histogram: { encoded: '!!', unit: 'us' }, intervals: [] }];
    const html = renderHtml(result);
    expect(html).toContain('No latency histogram recorded.');
  });
});

describe('combineRuns', () => {
  it('unites targets, replaces results by id and recomputes the summary', () => {
    const a = buildRunResult();
    const b = buildRunResult({ fixPublish: true });
    b.startedAt = '2026-01-15T11:00:00.000Z';
    const merged = combineRuns([a, b]);
    expect(merged.scenarios.length).toBe(a.scenarios.length);
    expect(merged.summary.failed).toBe(a.summary.failed - 1);
    expect(merged.startedAt).toBe(a.startedAt);
    expect(merged.durationMs).toBe(3600_000 + b.durationMs);
    expect(merged.targets.length).toBe(2);
  });
});
