// A real mutation run on a handful of mutants: each is started as a reference broker with one rule
// broken, and the conformance scenarios citing its statements must catch it (fail on the mutant
// while passing on the unmutated broker).
import { describe, expect, it } from 'vitest';
import type { MutationName } from '../../broker/mutations.js';
import { renderTable, runMutation, selectScenarios } from '../../scripts/mutation.js';
import { loadScenarioFiles } from '../../harness/api.js';

const MUTANTS: MutationName[] = [
  'accept-second-connect',
  'no-puback',
  'accept-reserved-connect-flag',
  'no-assigned-client-id',
  'ignore-retain-handling',
];

describe('mutation run', () => {
  it('selects the scenarios citing a mutant, plus the requested sample', async () => {
    const scenarios = await loadScenarioFiles(['scenarios/conformance']);
    const selected = selectScenarios(scenarios, 'no-puback', false, 2);
    const citing = selected.filter((s) =>
      Object.values(s.statements).some((ids) =>
        ids.some((id) => ['MQTT-4.3.2-2', 'MQTT-4.3.2-4'].includes(id)),
      ),
    );
    expect(citing.length).toBeGreaterThan(0);
    expect(selected.length).toBe(citing.length + 2);
    expect(selectScenarios(scenarios, 'no-puback', true, 2).length).toBe(scenarios.length);
  });

  it(
    'catches every sampled mutant with the scenarios citing its statements',
    { timeout: 180_000 },
    async () => {
      const report = await runMutation({ mutants: MUTANTS, sample: 0, workers: 4 });
      const table = renderTable(report);
      expect(report.mode).toBe('targeted');
      expect(report.mutants.map((m) => m.name)).toEqual(MUTANTS);
      for (const mutant of report.mutants) {
        expect(mutant.citing, `${mutant.name} has citing scenarios\n${table}`).toBeGreaterThan(0);
        expect(mutant.caughtBy, `${mutant.name} is caught\n${table}`).not.toEqual([]);
      }
      expect(report.summary.uncaught).toEqual([]);
    },
  );
});
