// Coverage of the normative statements (both MQTT versions) by the conformance catalogue: the
// project's statement table, harness/coverage/excluded-<version>.yaml and the `statements:` of the
// scenarios under scenarios/conformance/<version>/ (or of the scenarios in the given paths).
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarios, type ResolvedScenario } from '../scenario/index.js';
import { STATEMENTS } from '../spec/index.js';
import { computeVersionCoverage, type ScenarioStatements } from './compute.js';
import { readExcluded } from './excluded.js';
import {
  COVERAGE_VERSIONS,
  type CoverageReport,
  type CoverageResult,
  type CoverageVersion,
} from './types.js';

export type { CoverageReport, CoverageResult, CoverageVersion, VersionCoverage } from './types.js';
export { COVERAGE_VERSIONS } from './types.js';
export { computeVersionCoverage, type ScenarioStatements, type VersionInput } from './compute.js';
export { parseExcluded, readExcluded, excludedFileName, type ExcludedEntry } from './excluded.js';

export interface CoverageOptions {
  /** Base for relative paths (default: process.cwd()). */
  cwd?: string;
  /**
   * Scenario files or directories. Every scenario found counts for each version it lists
   * statements for. Default: scenarios/conformance/<version>/ for each version, under `cwd` when it
   * has scenarios/conformance, else under the harness package.
   */
  paths?: readonly string[];
  /** Directory holding excluded-<version>.yaml (default: the harness's own harness/coverage/). */
  excludedDir?: string;
}

/** The package root: two levels up from harness/coverage (tsx) or three from dist/harness/coverage. */
function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return /[/\\]dist[/\\]harness[/\\]coverage[/\\]?$/.test(here)
    ? resolve(here, '../../..')
    : resolve(here, '../..');
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

function statementsFor(
  scenarios: readonly ResolvedScenario[],
  version: CoverageVersion,
): ScenarioStatements[] {
  return scenarios.map((scenario) => ({ name: scenario.name, statements: scenario.statements[version] }));
}

async function scenariosByVersion(
  options: CoverageOptions,
  cwd: string,
): Promise<Record<CoverageVersion, ScenarioStatements[]>> {
  if (options.paths !== undefined && options.paths.length > 0) {
    const all = await loadScenarios(options.paths, { cwd });
    return { '3.1.1': statementsFor(all, '3.1.1'), '5.0': statementsFor(all, '5.0') };
  }
  const base = (await isDirectory(join(cwd, 'scenarios', 'conformance'))) ? cwd : packageRoot();
  const out: Record<CoverageVersion, ScenarioStatements[]> = { '3.1.1': [], '5.0': [] };
  for (const version of COVERAGE_VERSIONS) {
    const dir = join(base, 'scenarios', 'conformance', version);
    if (!(await isDirectory(dir))) continue;
    const found = await loadScenarios([dir], { cwd }).catch((error: unknown) => {
      // An empty directory holds no scenarios yet; every other problem is the caller's to see.
      if ((error as { code?: string }).code === 'HARNESS_SCENARIO_NOT_FOUND') return [];
      throw error;
    });
    out[version] = statementsFor(found, version);
  }
  return out;
}

/** Computes coverage for both versions. Throws only for invalid scenario files (HARNESS_SCENARIO_INVALID). */
export async function computeCoverage(options: CoverageOptions = {}): Promise<CoverageResult> {
  const cwd = options.cwd ?? process.cwd();
  const excludedDir = options.excludedDir ?? join(packageRoot(), 'harness', 'coverage');
  const scenarios = await scenariosByVersion(options, cwd);
  const problems: string[] = [];
  const report = {} as CoverageReport;
  const coveredBy = {} as CoverageResult['coveredBy'];
  for (const version of COVERAGE_VERSIONS) {
    const excluded = await readExcluded(resolve(cwd, excludedDir), version);
    problems.push(...excluded.problems);
    const result = computeVersionCoverage({
      version,
      statementIds: [...STATEMENTS[version].keys()],
      excluded: excluded.entries,
      scenarios: scenarios[version],
    });
    report[version] = result.coverage;
    coveredBy[version] = result.coveredBy;
    problems.push(...result.problems);
  }
  return { report, problems, coveredBy };
}
