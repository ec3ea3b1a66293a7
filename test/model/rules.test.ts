// Every rule of the broker model cites statements that exist for its version.
import { describe, expect, it } from 'vitest';
import { RULES, statementsOf, type RuleName } from '../../harness/model/index.js';
import { findStatement } from '../../harness/spec/index.js';
import { MQTT_VERSIONS } from '../../harness/vocabulary.js';

describe('model rules', () => {
  it('cite known statement ids, and at least one per rule', () => {
    const unknown: string[] = [];
    for (const rule of Object.keys(RULES) as RuleName[]) {
      const all = MQTT_VERSIONS.flatMap((version) => statementsOf(rule, version));
      expect(all.length, rule).toBeGreaterThan(0);
      for (const version of MQTT_VERSIONS)
        for (const id of statementsOf(rule, version))
          if (findStatement(version, id) === undefined) unknown.push(`${rule} ${version} ${id}`);
    }
    expect(unknown).toEqual([]);
  });
});
