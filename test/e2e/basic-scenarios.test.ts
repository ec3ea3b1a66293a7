// The shipped scenarios/basic catalogue passes against Mosquitto and the reference broker, through
// the programmatic API (runHarness), both MQTT versions, run in parallel.
import { describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';

describe('scenarios/basic', () => {
  for (const target of ['mosquitto', 'reference']) {
    it(`passes against ${target}`, async () => {
      const result = await runHarness({ paths: ['scenarios/basic'], targets: [target], workers: 4 });
      const notPassed = result.scenarios
        .filter((s) => s.verdict !== 'passed')
        .map((s) => `${s.id}: ${s.verdict}: ${s.reason ?? ''}`);
      expect(notPassed).toEqual([]);
      expect(result.summary.total).toBeGreaterThanOrEqual(27);
      expect(result.summary.passed).toBe(result.summary.total);
    });
  }
});
