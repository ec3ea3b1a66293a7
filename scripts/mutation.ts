// Mutation run: proves that the conformance catalogue can fail. The reference broker is started
// once per test-only mutation (broker/mutations.ts), each breaking one rule; the scenarios are run
// against every mutant and a mutant counts as caught when at least one scenario that passes on the
// unmutated broker fails (or warns) on the mutant. Default: per mutant, the scenarios citing one of
// its statements plus a deterministic sample of the others; `--all`: every scenario per mutant.
//
// Run: npx tsx scripts/mutation.ts [--all] [--sample N] [--workers N] [--only a,b] [--json FILE]
// Exit 1 when a mutant is caught by no scenario; writes reports/mutation.json.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { MUTATIONS, MUTATION_NAMES, type MutationName } from '../broker/index.js';
import { loadScenarioFiles, runHarness } from '../harness/api.js';
import type { ScenarioResult } from '../harness/result/model.js';
import type { ResolvedScenario } from '../harness/scenario/types.js';

export const DEFAULT_PATHS = ['scenarios/conformance'];
export const DEFAULT_SAMPLE = 6;
const FAILING = new Set<ScenarioResult['verdict']>(['failed', 'warning', 'deviation']);

export interface MutationOptions {
  /** Scenario files or directories (default: scenarios/conformance, both versions). */
  paths?: string[];
  /** Only these mutants (default: all of broker/mutations.ts). */
  mutants?: readonly MutationName[];
  /** Every scenario against every mutant instead of the targeted selection. */
  all?: boolean;
  /** Scenarios not citing the mutant's statements added to its selection (default 6). */
  sample?: number;
  /** Scenario workers of each run (at least 4). */
  workers?: number;
  cwd?: string;
  /** Called after each mutant (progress). */
  onMutant?: (result: MutantResult) => void;
}

export interface MutantResult {
  name: MutationName;
  description: string;
  statements: string[];
  /** Scenario runs (`name@version`) tried against this mutant. */
  ran: number;
  /** Of those, how many cite one of the mutant's statements. */
  citing: number;
  /** Scenario runs that pass on the clean broker and fail on the mutant (`name@version`). */
  caughtBy: string[];
  caught: boolean;
}

export interface MutationReport {
  generatedAt: string;
  mode: 'all' | 'targeted';
  sample: number;
  paths: string[];
  /** Scenario runs that already fail on the unmutated reference broker (never count as catches). */
  baselineFailures: string[];
  mutants: MutantResult[];
  summary: { mutants: number; caught: number; uncaught: string[] };
}

const key = (r: Pick<ScenarioResult, 'name' | 'mqttVersion'>): string => `${r.name}@${r.mqttVersion}`;

function cites(scenario: ResolvedScenario, statements: readonly string[]): boolean {
  return Object.values(scenario.statements).some((ids) => ids.some((id) => statements.includes(id)));
}

/** A sample of `count` scenarios, the same for the same mutant name and catalogue. */
function sampleOf(pool: readonly ResolvedScenario[], count: number, seed: string): ResolvedScenario[] {
  const rank = (s: ResolvedScenario): string =>
    createHash('sha1').update(`${seed}\u0000${s.name}`).digest('hex');
  return [...pool].sort((a, b) => rank(a).localeCompare(rank(b))).slice(0, count);
}

/** Scenarios run against one mutant. */
export function selectScenarios(
  scenarios: readonly ResolvedScenario[],
  mutant: MutationName,
  all: boolean,
  sample: number,
): ResolvedScenario[] {
  if (all) return [...scenarios];
  const statements = MUTATIONS[mutant].statements;
  const citing = scenarios.filter((s) => cites(s, statements));
  const others = scenarios.filter((s) => !cites(s, statements) && s.load === undefined);
  return [...citing, ...sampleOf(others, sample, mutant)];
}

async function runOn(
  scenarios: readonly ResolvedScenario[],
  mutations: readonly MutationName[],
  workers: number,
  cwd: string,
): Promise<ScenarioResult[]> {
  if (scenarios.length === 0) return [];
  const files = [...new Set(scenarios.map((s) => s.file))];
  const names = new Set(scenarios.map((s) => s.name));
  const escaped = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const result = await runHarness({
    paths: files,
    grep: new RegExp(`^(?:${escaped.join('|')})$`),
    targets: [{ kind: 'reference', options: { mutations: [...mutations] } }],
    workers,
    cwd,
  });
  return result.scenarios;
}

export async function runMutation(options: MutationOptions = {}): Promise<MutationReport> {
  const cwd = options.cwd ?? process.cwd();
  const paths = options.paths ?? DEFAULT_PATHS;
  const all = options.all ?? false;
  const sample = options.sample ?? DEFAULT_SAMPLE;
  const workers = Math.max(4, options.workers ?? 4);
  const mutants = options.mutants ?? MUTATION_NAMES;
  const scenarios = (await loadScenarioFiles(paths, cwd)).filter((s) => s.load === undefined);

  const selections = new Map(mutants.map((m) => [m, selectScenarios(scenarios, m, all, sample)] as const));
  const union = new Map<string, ResolvedScenario>();
  for (const list of selections.values()) for (const s of list) union.set(s.name, s);
  const baseline = await runOn([...union.values()], [], workers, cwd);
  const baselineFailures = new Set(baseline.filter((r) => FAILING.has(r.verdict)).map(key));

  const results: MutantResult[] = [];
  for (const mutant of mutants) {
    const info = MUTATIONS[mutant];
    const selected = selections.get(mutant) ?? [];
    const runs = await runOn(selected, [mutant], workers, cwd);
    const citingNames = new Set(selected.filter((s) => cites(s, info.statements)).map((s) => s.name));
    const caughtBy = runs
      .filter((r) => FAILING.has(r.verdict) && !baselineFailures.has(key(r)))
      .map(key)
      .sort();
    const result: MutantResult = {
      name: mutant,
      description: info.description,
      statements: [...info.statements],
      ran: runs.length,
      citing: runs.filter((r) => citingNames.has(r.name)).length,
      caughtBy,
      caught: caughtBy.length > 0,
    };
    results.push(result);
    options.onMutant?.(result);
  }
  const uncaught = results.filter((r) => !r.caught).map((r) => r.name);
  return {
    generatedAt: new Date().toISOString(),
    mode: all ? 'all' : 'targeted',
    sample,
    paths,
    baselineFailures: [...baselineFailures].sort(),
    mutants: results,
    summary: { mutants: results.length, caught: results.length - uncaught.length, uncaught },
  };
}

/** The mutant → failing scenarios table (plain text). */
export function renderTable(report: MutationReport): string {
  const header =
    report.mode === 'all'
      ? 'Mode: all scenarios against every mutant.'
      : `Mode: targeted (scenarios citing the mutant's statements + a sample of ${report.sample} others; --all for every scenario).`;
  const width = Math.max(...report.mutants.map((m) => m.name.length), 6);
  const lines = [header, `${'mutant'.padEnd(width)}  ran  caught by`];
  for (const m of report.mutants) {
    const by = m.caught ? m.caughtBy.join(', ') : 'NOT CAUGHT';
    lines.push(`${m.name.padEnd(width)}  ${String(m.ran).padStart(3)}  ${by}`);
  }
  if (report.baselineFailures.length > 0) {
    lines.push(`Failing on the unmutated broker (ignored): ${report.baselineFailures.join(', ')}`);
  }
  lines.push(
    `${report.summary.caught}/${report.summary.mutants} mutants caught` +
      (report.summary.uncaught.length > 0 ? `; not caught: ${report.summary.uncaught.join(', ')}` : ''),
  );
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      sample: { type: 'string' },
      workers: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(
      'usage: tsx scripts/mutation.ts [paths...] [--all] [--sample N] [--workers N] [--only m1,m2] [--json FILE]\n',
    );
    return 0;
  }
  const only = values.only?.split(',').filter((s) => s !== '');
  const unknown = (only ?? []).filter((m) => !(MUTATION_NAMES as readonly string[]).includes(m));
  if (unknown.length > 0) {
    process.stderr.write(`mutation: unknown mutant(s) ${unknown.join(', ')}\n`);
    return 2;
  }
  const report = await runMutation({
    ...(positionals.length > 0 && { paths: positionals }),
    ...(only && { mutants: only as MutationName[] }),
    all: values.all ?? false,
    ...(values.sample !== undefined && { sample: Number(values.sample) }),
    ...(values.workers !== undefined && { workers: Number(values.workers) }),
    onMutant: (m) =>
      process.stderr.write(`  ${m.name}: ${m.caught ? `caught by ${m.caughtBy.length}` : 'NOT CAUGHT'}\n`),
  });
  const out = resolve(values.json ?? 'reports/mutation.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(renderTable(report));
  process.stdout.write(`wrote ${out}\n`);
  return report.summary.uncaught.length > 0 ? 1 : 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `mutation: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 3;
    },
  );
}
