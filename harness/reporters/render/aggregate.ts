// Views over a RunResult that several renderers share: counts per target, the target × profile
// matrix, results grouped by spec section, and the verdict symbols. Pure functions of the model.
import type {
  LoadResult,
  LoadVerdict,
  RunResult,
  ScenarioResult,
  SweepResult,
  Verdict,
} from '../../result/index.js';

export interface VerdictCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  warnings: number;
  deviations: number;
}

export const VERDICT_SYMBOL: Record<Verdict | LoadVerdict, string> = {
  passed: '✓',
  failed: '✗',
  skipped: '-',
  warning: '!',
  deviation: '~',
  inconclusive: '?',
};

export function emptyCounts(): VerdictCounts {
  return { total: 0, passed: 0, failed: 0, skipped: 0, warnings: 0, deviations: 0 };
}

export function addVerdict(counts: VerdictCounts, verdict: Verdict): void {
  counts.total += 1;
  switch (verdict) {
    case 'passed':
      counts.passed += 1;
      break;
    case 'failed':
      counts.failed += 1;
      break;
    case 'skipped':
      counts.skipped += 1;
      break;
    case 'warning':
      counts.warnings += 1;
      break;
    case 'deviation':
      counts.deviations += 1;
      break;
  }
}

export function countVerdicts(scenarios: readonly ScenarioResult[]): VerdictCounts {
  const counts = emptyCounts();
  for (const s of scenarios) addVerdict(counts, s.verdict);
  return counts;
}

/** Targets in the order the run lists them, then any that only appear in results. */
export function targetNames(result: RunResult): string[] {
  return unique([
    ...result.targets.map((t) => t.name),
    ...result.scenarios.map((s) => s.target),
    ...result.loads.map((l) => l.target),
  ]);
}

export function profileNames(result: RunResult): string[] {
  return unique([
    ...result.profiles.map((p) => p.name),
    ...result.scenarios.map((s) => s.profile),
    ...result.loads.map((l) => l.profile),
  ]);
}

export function versionsOf(result: RunResult): string[] {
  return unique([
    ...result.scenarios.map((s) => s.mqttVersion),
    ...result.loads.map((l) => l.mqttVersion),
  ]).sort();
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Counts per target × profile (all MQTT versions together). */
export function verdictMatrix(result: RunResult): Map<string, Map<string, VerdictCounts>> {
  const matrix = new Map<string, Map<string, VerdictCounts>>();
  for (const target of targetNames(result)) {
    const row = new Map<string, VerdictCounts>();
    for (const profile of profileNames(result)) row.set(profile, emptyCounts());
    matrix.set(target, row);
  }
  for (const s of result.scenarios) {
    const cell = matrix.get(s.target)?.get(s.profile);
    if (cell) addVerdict(cell, s.verdict);
  }
  return matrix;
}

/** One-line cell text for the matrix: "12 ✓ 1 ✗ 2 -". */
export function countsCell(c: VerdictCounts): string {
  if (c.total === 0) return '·';
  const parts = [`${c.passed} ✓`];
  if (c.failed) parts.push(`${c.failed} ✗`);
  if (c.warnings) parts.push(`${c.warnings} !`);
  if (c.deviations) parts.push(`${c.deviations} ~`);
  if (c.skipped) parts.push(`${c.skipped} -`);
  return parts.join(' ');
}

export function failures(result: RunResult): ScenarioResult[] {
  return result.scenarios.filter((s) => s.verdict === 'failed');
}

/** Scenarios whose result carries something to show: failures first, then deviations, warnings. */
export function noteworthy(result: RunResult): ScenarioResult[] {
  const order: Partial<Record<Verdict, number>> = { failed: 0, deviation: 1, warning: 2 };
  return result.scenarios
    .filter((s) => order[s.verdict] !== undefined)
    .sort((a, b) => (order[a.verdict] ?? 9) - (order[b.verdict] ?? 9));
}

export function scenarioLabel(s: ScenarioResult): string {
  return `${s.name} [${s.target} · MQTT ${s.mqttVersion} · ${s.profile}]`;
}

export function loadLabel(l: LoadResult): string {
  return `${l.name} [${l.target} · MQTT ${l.mqttVersion} · ${l.profile}]`;
}

// ---- spec sections ----

/** "MQTT-3.3.1-4" → "3.3"; ids that do not follow the pattern go to "other". */
export function sectionOf(statement: string): string {
  const match = /^MQTT-(\d+)\.(\d+)/.exec(statement);
  return match ? `${match[1]}.${match[2]}` : 'other';
}

const SECTION_TITLES: Record<string, string> = {
  '1.5': 'Data representation',
  '2.1': 'Control packet structure',
  '2.2': 'Fixed header',
  '2.3': 'Variable header',
  '2.4': 'Reason codes',
  '3.1': 'CONNECT',
  '3.2': 'CONNACK',
  '3.3': 'PUBLISH',
  '3.4': 'PUBACK',
  '3.5': 'PUBREC',
  '3.6': 'PUBREL',
  '3.7': 'PUBCOMP',
  '3.8': 'SUBSCRIBE',
  '3.9': 'SUBACK',
  '3.10': 'UNSUBSCRIBE',
  '3.11': 'UNSUBACK',
  '3.12': 'PINGREQ',
  '3.13': 'PINGRESP',
  '3.14': 'DISCONNECT',
  '3.15': 'AUTH',
  '4.1': 'Session state',
  '4.2': 'Network connections',
  '4.3': 'Quality of Service levels',
  '4.4': 'Message delivery retry',
  '4.5': 'Message receipt',
  '4.6': 'Message ordering',
  '4.7': 'Topic names and topic filters',
  '4.9': 'Flow control',
  '4.10': 'Request / response',
  '4.11': 'Server redirection',
  '4.12': 'Enhanced authentication',
  '4.13': 'Handling errors',
  '6.0': 'WebSocket transport',
};

/** Section 4.8 is "Handling errors" in 3.1.1 and "Subscriptions" in 5.0. */
export function sectionTitle(section: string, version?: string): string {
  if (section === '4.8') return version === '5.0' ? 'Subscriptions' : 'Handling errors / Subscriptions';
  return SECTION_TITLES[section] ?? (section === 'other' ? 'Other checks' : `Section ${section}`);
}

export interface SectionGroup {
  section: string;
  title: string;
  counts: VerdictCounts;
  /** Each scenario result with the statement ids of this section it checks. */
  entries: { statements: string[]; scenario: ScenarioResult }[];
}

/** Results grouped by the spec sections of their statement ids (a scenario may appear in several). */
export function bySection(result: RunResult): SectionGroup[] {
  const groups = new Map<string, SectionGroup>();
  for (const scenario of result.scenarios) {
    const statements = scenario.statements.length > 0 ? scenario.statements : ['(none)'];
    const perSection = new Map<string, string[]>();
    for (const statement of statements) {
      const section = sectionOf(statement);
      perSection.set(section, [...(perSection.get(section) ?? []), statement]);
    }
    for (const [section, ids] of perSection) {
      let group = groups.get(section);
      if (!group) {
        group = {
          section,
          title: sectionTitle(section, scenario.mqttVersion),
          counts: emptyCounts(),
          entries: [],
        };
        groups.set(section, group);
      }
      addVerdict(group.counts, scenario.verdict);
      group.entries.push({ statements: ids, scenario });
    }
  }
  return [...groups.values()].sort((a, b) => compareSections(a.section, b.section));
}

function compareSections(a: string, b: string): number {
  if (a === 'other') return 1;
  if (b === 'other') return -1;
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** Loads whose figures cannot be trusted (counted from the loads: older summaries lack the count). */
export function inconclusiveLoads(result: RunResult): LoadResult[] {
  return result.loads.filter((l) => l.verdict === 'inconclusive');
}

/**
 * Result of a run as one word: what the exit code will say (inconclusive exits 1 unless the run was
 * told `--inconclusive warn`). Failed wins over inconclusive, which wins over passed.
 */
export function runOutcome(result: RunResult): 'passed' | 'failed' | 'inconclusive' | 'interrupted' {
  if (result.interrupted) return 'interrupted';
  if (result.summary.failed > 0 || result.summary.loadsFailed > 0) return 'failed';
  const sweeps = inconclusiveSweeps(result).length;
  return inconclusiveLoads(result).length > 0 || sweeps > 0 ? 'inconclusive' : 'passed';
}

/** Rate sweeps of which a climb stopped on an inconclusive step (or could not run). */
export function inconclusiveSweeps(result: RunResult): SweepResult[] {
  return (result.sweeps ?? []).filter((sweep) => sweep.verdict === 'inconclusive');
}

/** "6 rate sweeps, 2 inconclusive" */
export function sweepCounts(result: RunResult): string {
  const inconclusive = inconclusiveSweeps(result).length;
  const count = result.sweeps?.length ?? 0;
  return `${count} rate sweep${count === 1 ? '' : 's'}${inconclusive ? `, ${inconclusive} inconclusive` : ''}`;
}

/** "3 loads, 1 failed, 1 inconclusive" */
export function loadCounts(result: RunResult): string {
  const inconclusive = inconclusiveLoads(result).length;
  return `${result.loads.length} loads, ${result.summary.loadsFailed} failed${inconclusive ? `, ${inconclusive} inconclusive` : ''}`;
}
