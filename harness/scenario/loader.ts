// Scenario loading: files → YAML (with positions) → schema validation → resolution → the profile a
// scenario names. Every problem in every file is collected and thrown at once as a
// ScenarioValidationError (HARNESS_SCENARIO_INVALID).
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { HarnessError, ScenarioValidationError, type ScenarioIssue } from '../errors.js';
import { validateLoadSection } from '../load/index.js';
import { checkDocument, locateProblem, type YamlSource } from '../validation/index.js';
import { checkScenarioProfile, type ProfileCache } from './profile.js';
import { resolveScenario } from './resolve.js';
import { SCHEMA_DEFINITIONS, Scenario } from './schema.js';
import { scenarioMessage } from './schema-messages.js';
import { checkThresholdScopes } from './threshold-scopes.js';
import type { ResolvedScenario } from './types.js';

export interface LoadOptions {
  /** Base for relative paths and for the `file` shown in results (default: process.cwd()). */
  cwd?: string;
  /** Names of the targets the config file defines, which a threshold's scope may name (besides kinds and URLs). */
  targets?: readonly string[];
}

const SCENARIO_FILE = /\.ya?ml$/;

/** Parse and resolve one scenario text. `file` is only used in messages and step locations. */
export function parseScenario(
  text: string,
  file: string,
): { scenario?: ResolvedScenario; issues: ScenarioIssue[] } {
  const { scenario, issues } = parseScenarioSource(text, file);
  return scenario ? { scenario, issues } : { issues };
}

function parseScenarioSource(
  text: string,
  file: string,
): { scenario?: ResolvedScenario; source?: YamlSource; issues: ScenarioIssue[] } {
  const {
    source,
    value,
    issues: schemaIssues,
  } = checkDocument(text, file, Scenario, {
    definitions: SCHEMA_DEFINITIONS,
    message: scenarioMessage,
    emptyMessage: 'empty file: a scenario is a YAML map',
  });
  if (!source || value === undefined) return { issues: schemaIssues };
  const { scenario, problems } = resolveScenario(value, source);
  const issues: ScenarioIssue[] = [];
  if (scenario?.load !== undefined) {
    // The load module's own rules (executor options, thresholds, topic templates).
    const pos = source.at([], 'load');
    for (const message of validateLoadSection(scenario.load))
      issues.push({ file, ...pos, path: 'load', message });
  }
  for (const problem of problems) issues.push(locateProblem(source, problem));
  return issues.length > 0 || !scenario ? { source, issues } : { scenario, source, issues };
}

/**
 * Every scenario file under the given files and directories (sorted, *.yaml / *.yml). Subdirectories
 * named `profiles` (network profiles) are skipped; a file named explicitly is always loaded.
 */
export async function findScenarioFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new HarnessError('HARNESS_SCENARIO_NOT_FOUND', `scenario path not found: ${given}`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
      const files = entries
        .filter(
          (e) =>
            e.isFile() && SCENARIO_FILE.test(e.name) && !insideSkipped(path.relative(absolute, e.parentPath)),
        )
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      if (files.length === 0)
        throw new HarnessError('HARNESS_SCENARIO_NOT_FOUND', `no scenario files under ${given}`);
      found.push(...files);
    } else found.push(absolute);
  }
  return [...new Set(found)];
}

/** Load, validate and resolve scenarios; throws ScenarioValidationError listing every problem. */
export async function loadScenarios(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<ResolvedScenario[]> {
  const { scenarios, issues } = await checkScenarios(paths, options);
  if (issues.length > 0) throw new ScenarioValidationError(issues);
  return scenarios;
}

/** Like loadScenarios but returns the problems instead of throwing (for `harness validate`). */
export async function checkScenarios(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<{ scenarios: ResolvedScenario[]; issues: ScenarioIssue[]; files: string[] }> {
  const cwd = options.cwd ?? process.cwd();
  const files = await findScenarioFiles(paths, cwd);
  const scenarios: ResolvedScenario[] = [];
  const issues: ScenarioIssue[] = [];
  const byName = new Map<string, ResolvedScenario>();
  const profiles: ProfileCache = new Map();
  const display = (file: string): string => displayPath(file, cwd);
  for (const absolute of files) {
    const file = displayPath(absolute, cwd);
    const text = await readFile(absolute, 'utf8');
    const parsed = parseScenarioSource(text, file);
    issues.push(...parsed.issues);
    if (!parsed.scenario || !parsed.source) continue;
    const result = await checkScenarioProfile(parsed.scenario, parsed.source, absolute, display, profiles);
    issues.push(...result.issues);
    if (!result.scenario) continue;
    const scopes = await checkThresholdScopes(result.scenario, parsed.source, {
      targets: options.targets ?? [],
      absoluteFile: absolute,
      display,
      cache: profiles,
    });
    issues.push(...scopes);
    if (scopes.length > 0) continue;
    const previous = byName.get(result.scenario.name);
    if (previous) {
      const [, line] = /:(\d+)$/.exec(result.scenario.location) ?? [];
      issues.push({
        file,
        line: Number(line ?? 1),
        column: 1,
        path: 'name',
        message: `duplicate scenario name '${result.scenario.name}' (also in ${previous.location})`,
      });
      continue;
    }
    byName.set(result.scenario.name, result.scenario);
    scenarios.push(result.scenario);
  }
  return { scenarios, issues, files: files.map((f) => displayPath(f, cwd)) };
}

/** Directories holding other YAML (network profiles), skipped when a directory is walked. */
const SKIPPED_DIRECTORIES = new Set(['profiles', 'node_modules']);

function insideSkipped(relativeDir: string): boolean {
  return relativeDir.split(path.sep).some((part) => SKIPPED_DIRECTORIES.has(part));
}

function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}
