// The reports say where a load ran when the result has a placement, and nothing when it has none:
// pure functions of the result model (the fixture run, with and without cpus).
import { describe, expect, it } from 'vitest';
import {
  renderHtml,
  renderLoadDetails,
  renderMarkdown,
  renderSummary,
} from '../../harness/reporters/index.js';
import type { RunResult } from '../../harness/result/model.js';
import { compare, renderComparison, renderComparisonMarkdown } from '../../harness/compare/index.js';
import { buildRunResult } from '../reporters/fixtures/run-result.js';

function placed(): RunResult {
  const result = buildRunResult();
  for (const target of result.targets) target.cpus = '0';
  for (const load of result.loads) {
    load.generator.cpus = '1';
    load.broker = { cpuPercent: 40, rssMaxBytes: 1 << 20, cpus: '0' };
  }
  return result;
}

describe('placement in the reports', () => {
  it('every report names the broker and generator CPUs of a placed run', () => {
    const result = placed();
    const where = 'broker CPUs 0 · generator CPUs 1';
    expect(renderMarkdown(result)).toContain(`Placement: ${where}`);
    expect(renderSummary(result)).toContain(`Placement: ${where}`);
    expect(renderHtml(result)).toContain(`placement: ${where}`);
    expect(renderLoadDetails(result.loads[0]!)).toContain(`placement ${where}`);
  });

  it('targets on different CPUs are named one by one', () => {
    const result = placed();
    result.targets[0]!.cpus = '0-1';
    expect(renderSummary(result)).toMatch(/Placement: broker CPUs .*0-1, .* 0 · generator CPUs 1/);
  });

  it('an unplaced run says nothing about CPUs', () => {
    const result = buildRunResult();
    for (const text of [renderMarkdown(result), renderSummary(result), renderHtml(result)])
      expect(text).not.toMatch(/CPUs \d/);
    expect(renderLoadDetails(result.loads[0]!)).not.toContain('placement');
  });
});

describe('placement in a comparison', () => {
  it('a load placed differently in the two runs is noted, its figures judged as before', () => {
    const baseline = buildRunResult();
    const current = placed();
    const comparison = compare(baseline, current);
    const load = comparison.loads[0]!;
    expect(load.placementChanged).toBe('broker CPUs unpinned → 0; generator CPUs unpinned → 1');
    expect(renderComparison(comparison)).toContain(`placed differently: ${load.key}`);
    expect(renderComparisonMarkdown(comparison)).toContain('placed differently');
    expect(compare(current, placed()).loads.every((l) => l.placementChanged === undefined)).toBe(true);
  });
});
