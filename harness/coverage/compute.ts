// Pure coverage arithmetic: statements of a version, the excluded list and the ids the scenarios
// list → counts, uncovered ids and the problems that make `harness coverage` exit 1.
import type { ExcludedEntry } from './excluded.js';
import type { CoverageVersion, VersionCoverage } from './types.js';

export interface ScenarioStatements {
  name: string;
  statements: readonly string[];
}

export interface VersionInput {
  version: CoverageVersion;
  /** Every statement id of the version, in specification order. */
  statementIds: readonly string[];
  excluded: readonly ExcludedEntry[];
  /** Scenarios for this version with the statement ids they list for it. */
  scenarios: readonly ScenarioStatements[];
}

export function computeVersionCoverage(input: VersionInput): {
  coverage: VersionCoverage;
  problems: string[];
  coveredBy: Map<string, string[]>;
} {
  const known = new Set(input.statementIds);
  const problems: string[] = [];
  const coveredBy = new Map<string, string[]>();
  for (const scenario of input.scenarios) {
    for (const id of new Set(scenario.statements)) {
      if (!known.has(id)) continue; // the scenario loader already rejects unknown ids
      const names = coveredBy.get(id) ?? [];
      names.push(scenario.name);
      coveredBy.set(id, names);
    }
  }
  const excludedIds = new Set<string>();
  const excluded: { id: string; reason: string }[] = [];
  for (const entry of input.excluded) {
    if (!known.has(entry.id)) {
      problems.push(`MQTT ${input.version}: excluded ${entry.id} is not a statement of this version`);
      continue;
    }
    const by = coveredBy.get(entry.id);
    if (by !== undefined) {
      problems.push(`MQTT ${input.version}: ${entry.id} is excluded but covered by ${by.join(', ')}`);
    }
    if (excludedIds.has(entry.id)) continue;
    excludedIds.add(entry.id);
    excluded.push({ id: entry.id, reason: entry.reason });
  }
  const testable = input.statementIds.filter((id) => !excludedIds.has(id));
  const uncovered = testable.filter((id) => !coveredBy.has(id));
  return {
    coverage: {
      statements: input.statementIds.length,
      testable: testable.length,
      covered: testable.length - uncovered.length,
      uncovered,
      excluded,
    },
    problems,
    coveredBy,
  };
}
