// What an explore report means: nothing found, a disagreement a replay reproduced (or that was not
// replayed), or one that no replay reproduced (inconclusive: `harness explore` exits 1 unless
// --inconclusive warn).
import { describe, expect, it } from 'vitest';
import { exploreOutcome, type ExploreReport } from '../../harness/explore/index.js';

const finding = { disagreement: { rule: 'session-present', statements: ['MQTT-3.2.2-2'], message: 'x' } };

function report(parts: Partial<ExploreReport>): ExploreReport {
  return {
    sessions: 1,
    actions: 1,
    elapsedMs: 1,
    rediscovered: {},
    finding: undefined,
    target: 'reference',
    ...parts,
  } as ExploreReport;
}

describe('exploreOutcome', () => {
  it('is clean without a finding', () => {
    expect(exploreOutcome(report({}))).toBe('clean');
  });
  it('is found when a replay failed or none was made', () => {
    expect(exploreOutcome(report({ finding, replay: { verdict: 'failed', runs: 2 } } as never))).toBe(
      'found',
    );
    expect(exploreOutcome(report({ finding } as never))).toBe('found');
  });
  it('is not reproduced when every replay passed', () => {
    expect(exploreOutcome(report({ finding, replay: { verdict: 'passed', runs: 3 } } as never))).toBe(
      'not-reproduced',
    );
  });
});
