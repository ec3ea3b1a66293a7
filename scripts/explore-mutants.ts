// Explore alone against every reference-broker mutant of `npm run mutation` (broker/mutations.ts):
// per mutant, `harness explore` with a fixed seed and a budget against the reference broker with
// that one mutation switched on, in passes: the default target on 3.1.1, then 5.0 (v5-only mutants:
// 5.0 only), then the target profiles the model knows (harness/explore/profiles.ts: an ACL, Maximum
// QoS 1), each with a smaller share of the budget; the first pass that catches it ends. A mutant counts as caught when explore reports a disagreement and
// the scenario it wrote fails when replayed on that mutant. Prints the catch rate and the misses.
//
// Run: npx tsx scripts/explore-mutants.ts [--budget 60s] [--seed N] [--only a,b] [--shard I/N] [--json FILE]
// `--shard 2/3` takes every third mutant starting with the second (shards run side by side).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MUTATIONS, MUTATION_NAMES, type MutationName } from '../broker/index.js';
import { PROFILES, runExplore, type ExploreReport, type ProfileName } from '../harness/explore/index.js';
import { parseDuration } from '../harness/load/duration.js';
import type { MqttVersion } from '../harness/vocabulary.js';

interface MutantOutcome {
  name: MutationName;
  statements: string[];
  caught: boolean;
  version?: MqttVersion | undefined;
  profile?: ProfileName | undefined;
  rule?: string | undefined;
  ruleStatements?: readonly string[] | undefined;
  scenario?: string | undefined;
  replay?: string | undefined;
  sessions: number;
  seconds: number;
}

interface Pass {
  version: MqttVersion;
  profile: ProfileName;
  /** Share of the mutant's budget. */
  weight: number;
}

/** The default target gets most of the budget; the profiles a smaller share each. */
const PASSES: readonly Pass[] = [
  { version: '3.1.1', profile: 'default', weight: 4 },
  { version: '5.0', profile: 'default', weight: 4 },
  { version: '3.1.1', profile: 'acl', weight: 1.5 },
  { version: '5.0', profile: 'acl', weight: 1.5 },
  { version: '5.0', profile: 'maximum-qos-1', weight: 1.5 },
];

async function exploreMutant(
  name: MutationName,
  budgetMs: number,
  seed: number,
  outDir: string,
): Promise<MutantOutcome> {
  const v5Only = MUTATIONS[name].description.startsWith('v5:');
  const passes = PASSES.filter((p) => !v5Only || p.version === '5.0');
  const weights = passes.reduce((sum, p) => sum + p.weight, 0);
  let sessions = 0;
  let seconds = 0;
  let last: ExploreReport | undefined;
  let lastPass: Pass | undefined;
  for (const pass of passes) {
    const profile = PROFILES[pass.profile];
    const report = await runExplore({
      target: { kind: 'reference', options: { mutations: [name] } },
      version: pass.version,
      seed,
      budgetMs: (budgetMs * pass.weight) / weights,
      shrinkBudgetMs: 20_000,
      outDir,
      cwd: process.cwd(),
      ...(profile.settings !== undefined && { profile }),
    });
    sessions += report.sessions;
    seconds += report.elapsedMs / 1000;
    last = report;
    lastPass = pass;
    if (report.finding !== undefined && report.replay?.verdict === 'failed') break;
  }
  const finding = last?.finding;
  return {
    name,
    statements: [...MUTATIONS[name].statements],
    caught: finding !== undefined && last?.replay?.verdict === 'failed',
    ...(finding !== undefined && {
      version: last?.version,
      profile: lastPass?.profile,
      rule: finding.disagreement.rule,
      ruleStatements: finding.disagreement.statements,
      scenario: last?.scenario?.file,
      replay: last?.replay?.verdict,
    }),
    sessions,
    seconds: Math.round(seconds),
  };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      budget: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      shard: { type: 'string' },
      json: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const budgetMs = parseDuration(values.budget ?? '60s') ?? 60_000;
  const seed = Number(values.seed ?? 1);
  const only = values.only?.split(',').filter((s) => s !== '') as MutationName[] | undefined;
  const [shard, shards] = (values.shard ?? '1/1').split('/').map(Number);
  const mutants = (only ?? [...MUTATION_NAMES]).filter((_, i) => i % (shards ?? 1) === (shard ?? 1) - 1);
  const outDir = values.out ?? 'reports/explore-mutants/found';
  const results: MutantOutcome[] = [];
  for (const name of mutants) {
    const outcome = await exploreMutant(name, budgetMs, seed, outDir);
    results.push(outcome);
    process.stderr.write(
      `  ${name}: ${outcome.caught ? `caught (${outcome.version}${outcome.profile !== 'default' ? ` ${outcome.profile}` : ''}, rule ${outcome.rule})` : outcome.rule !== undefined ? `found ${outcome.rule} but replay ${outcome.replay}` : 'NOT CAUGHT'} [${outcome.sessions} sessions, ${outcome.seconds} s]\n`,
    );
  }
  const caught = results.filter((r) => r.caught);
  const missed = results.filter((r) => !r.caught);
  const rate = Math.round((caught.length / results.length) * 1000) / 10;
  const out = resolve(values.json ?? 'reports/explore-mutants.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ seed, budgetMs, load: loadavg(), cpus: cpus().length, results, caught: caught.length, total: results.length, rate }, null, 2)}\n`,
  );
  process.stdout.write(
    `explore caught ${caught.length}/${results.length} mutants (${rate} %) with ${budgetMs / 1000} s each, seed ${seed}\n`,
  );
  if (missed.length > 0) process.stdout.write(`missed: ${missed.map((m) => m.name).join(', ')}\n`);
  process.stdout.write(`wrote ${out}\n`);
  return rate >= 80 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `explore-mutants: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 3;
  },
);
