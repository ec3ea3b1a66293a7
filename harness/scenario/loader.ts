// Scenario loading: files → YAML (with positions) → schema validation → resolution. Every problem in
// every file is collected and thrown at once as a ScenarioValidationError (HARNESS_SCENARIO_INVALID).
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { HarnessError, ScenarioValidationError, type ScenarioIssue } from '../errors.js';
import { validateLoadSection } from '../load/validate.js';
import { locate, formatPath } from './locate.js';
import { resolveScenario } from './resolve.js';
import type { ScenarioInput } from './schema.js';
import type { ResolvedScenario } from './types.js';
import { validateAgainstSchema } from './validate-schema.js';

export interface LoadOptions {
  /** Base for relative paths and for the `file` shown in results (default: process.cwd()). */
  cwd?: string;
}

const SCENARIO_FILE = /\.ya?ml$/;

/** Parse and resolve one scenario text. `file` is only used in messages and step locations. */
export function parseScenario(
  text: string,
  file: string,
): { scenario?: ResolvedScenario; issues: ScenarioIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const issues: ScenarioIssue[] = [];
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  for (const error of doc.errors) {
    issues.push({ file, ...at(error.pos[0]), path: '', message: `YAML: ${firstLine(error.message)}` });
  }
  if (issues.length > 0) return { issues };
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (data === null || data === undefined) {
    return {
      issues: [{ file, line: 1, column: 1, path: '', message: 'empty file: a scenario is a YAML map' }],
    };
  }
  for (const problem of validateAgainstSchema(data)) {
    const pos = locate(doc, lineCounter, problem.path, problem.key);
    const fullPath = problem.key !== undefined ? [...problem.path, problem.key] : problem.path;
    issues.push({ file, ...pos, path: formatPath(fullPath), message: problem.message });
  }
  if (issues.length > 0) return { issues };
  const { scenario, problems } = resolveScenario(data as ScenarioInput, file, doc, lineCounter);
  if (scenario?.load !== undefined) {
    // The load module's own rules (executor options, thresholds, topic templates).
    const pos = locate(doc, lineCounter, [], 'load');
    for (const message of validateLoadSection(scenario.load))
      issues.push({ file, ...pos, path: 'load', message });
  }
  for (const problem of problems) {
    const pos =
      problem.line !== undefined ? { line: problem.line, column: 1 } : locate(doc, lineCounter, problem.path);
    issues.push({ file, ...pos, path: formatPath(problem.path), message: problem.message });
  }
  return issues.length > 0 || !scenario ? { issues } : { scenario, issues };
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
  for (const absolute of files) {
    const file = displayPath(absolute, cwd);
    const text = await readFile(absolute, 'utf8');
    const result = parseScenario(text, file);
    issues.push(...result.issues);
    if (!result.scenario) continue;
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

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
