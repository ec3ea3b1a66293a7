// The matrix as data: statement × broker cells from a conformance RunResult, load figures from bench
// RunResults, totals per broker and per spec section. A pure function of the JSON results and the
// deviation entries, so the renderers (markdown.ts, html.ts) never see live state.
import { findStatement, type LoadResult, type RunResult, type ScenarioResult } from '../../harness/index.js';
import type { MqttVersion } from '../../harness/vocabulary.js';
import type { DeviationEntry } from './deviation-entries.js';

/** What a broker does with a statement, from the scenarios that cite it. */
export const CELL_STATES = ['pass', 'deviation', 'fail', 'warning', 'skipped', 'not-reached'] as const;
export type CellState = (typeof CELL_STATES)[number];

export interface Cell {
  state: CellState;
  /** The deviation entry, for state 'deviation'. */
  deviation?: DeviationEntry;
  /** Why skipped, or which scenario stopped before the statement. */
  note?: string;
}

export interface StatementRow {
  id: string;
  level: string;
  section: string;
  summary: string;
  cells: Record<string, Cell>;
}

export interface BrokerInfo {
  name: string;
  version: string;
  startupMs?: number;
}

export interface LoadRow {
  load: string;
  profile: string;
  broker: string;
  result?: LoadResult;
}

/** Where and how the matrix was made: figures are only comparable within one run. */
export interface RunInfo {
  generatedAt: string;
  machine: string;
  /** 1-minute load average when the run began (a busy machine skews the load figures). */
  loadAverage: number;
  durationMs: number;
  loadDuration: string;
  loadRate: number;
  /** What went wrong around the run itself (a CLI step that had to be ended). */
  notes?: string[];
}

export interface Matrix {
  run: RunInfo;
  brokers: BrokerInfo[];
  versions: { version: MqttVersion; rows: StatementRow[] }[];
  loads: LoadRow[];
  deviations: DeviationEntry[];
}

// A statement takes the worst state any citing scenario gives it: one failing or deviating
// scenario outweighs passing ones; skips count only when nothing ran.
const PRECEDENCE: readonly CellState[] = ['fail', 'deviation', 'warning', 'pass', 'not-reached', 'skipped'];

export function buildMatrix(input: {
  conformance: RunResult;
  loads: { label: string; result: RunResult }[];
  deviations: DeviationEntry[];
  brokers: string[];
  run: RunInfo;
}): Matrix {
  const { conformance, brokers } = input;
  const versions = (['3.1.1', '5.0'] as const).map((version) => ({
    version,
    rows: statementRows(conformance.scenarios, version, brokers, input.deviations),
  }));
  const loads: LoadRow[] = [];
  for (const { label, result } of input.loads) {
    const profiles = [...new Set(result.loads.map((load) => load.profile))];
    for (const profile of profiles) {
      for (const broker of brokers) {
        const found = result.loads.find((load) => load.profile === profile && load.target === broker);
        loads.push({ load: label, profile, broker, ...(found === undefined ? {} : { result: found }) });
      }
    }
  }
  return {
    run: input.run,
    brokers: brokers.map((name) => brokerInfo(name, [conformance, ...input.loads.map((l) => l.result)])),
    versions,
    loads,
    deviations: input.deviations.filter((d) => brokers.includes(d.broker)),
  };
}

function brokerInfo(name: string, results: RunResult[]): BrokerInfo {
  const infos = results.flatMap((result) => result.targets.filter((target) => target.name === name));
  const version = infos.find((info) => info.version !== undefined)?.version ?? 'unknown';
  const startups = infos.flatMap((info) => (info.startupMs === undefined ? [] : [info.startupMs]));
  return {
    name,
    version,
    ...(startups.length === 0 ? {} : { startupMs: Math.max(...startups) }),
  };
}

function statementRows(
  scenarios: readonly ScenarioResult[],
  version: MqttVersion,
  brokers: string[],
  deviations: DeviationEntry[],
): StatementRow[] {
  const ofVersion = scenarios.filter((s) => s.mqttVersion === version);
  const ids = [...new Set(ofVersion.flatMap((s) => s.statements))].filter((id) => findStatement(version, id));
  ids.sort(compareIds);
  return ids.map((id) => {
    const statement = findStatement(version, id)!;
    const cells: Record<string, Cell> = {};
    for (const broker of brokers) {
      const citing = ofVersion.filter((s) => s.target === broker && s.statements.includes(id));
      cells[broker] = cellOf(id, version, citing, deviations);
    }
    return { id, level: statement.level, section: statement.section, summary: statement.summary, cells };
  });
}

function cellOf(
  id: string,
  version: MqttVersion,
  citing: readonly ScenarioResult[],
  deviations: DeviationEntry[],
): Cell {
  const cells = citing.map((result): Cell => {
    switch (result.verdict) {
      case 'passed':
        return { state: 'pass' };
      case 'failed':
        return { state: 'fail', note: `${result.name}: ${result.reason ?? ''}` };
      case 'warning':
        return { state: 'warning', note: `${result.name}: ${result.reason ?? ''}` };
      case 'skipped':
        return { state: 'skipped', note: skipNote(result.reason) };
      case 'deviation': {
        const entry = deviations.find(
          (d) =>
            d.broker === result.target &&
            d.scenario === result.name &&
            (d.mqtt === undefined || d.mqtt === version),
        );
        // The entry names the statement the broker breaks; the scenario's other statements were
        // not reached (it stopped there), unless another scenario shows them.
        if (entry === undefined || entry.statement === id) {
          return { state: 'deviation', ...(entry === undefined ? {} : { deviation: entry }) };
        }
        return { state: 'not-reached', note: `${result.name} stops at ${entry.statement}` };
      }
    }
  });
  if (cells.length === 0) return { state: 'skipped', note: 'no scenario ran' };
  return [...cells].sort((a, b) => PRECEDENCE.indexOf(a.state) - PRECEDENCE.indexOf(b.state))[0]!;
}

/** "target 'x' lacks: qos2 (RabbitMQ 3.10 has no QoS 2...)" → "qos2 (RabbitMQ 3.10 has no QoS 2...)". */
function skipNote(reason: string | undefined): string {
  if (reason === undefined) return 'skipped';
  return reason.replace(/^target '[^']*' (lacks: )?/, '');
}

/** MQTT-3.1.2-24 sorts after MQTT-3.1.2-3: compare the numbers, not the text. */
export function compareIds(a: string, b: string): number {
  const pa = a
    .replace(/^MQTT-/, '')
    .split(/[.-]/)
    .map(Number);
  const pb = b
    .replace(/^MQTT-/, '')
    .split(/[.-]/)
    .map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

export interface Totals {
  statements: number;
  counts: Record<CellState, number>;
}

/** Counts of each state for one broker over some rows. */
export function totals(rows: readonly StatementRow[], broker: string): Totals {
  const counts = Object.fromEntries(CELL_STATES.map((state) => [state, 0])) as Record<CellState, number>;
  for (const row of rows) {
    const cell = row.cells[broker];
    if (cell !== undefined) counts[cell.state] += 1;
  }
  return { statements: rows.length, counts };
}

/** Rows grouped by spec section (first two numbers of the id's section, e.g. '3.1'), in order. */
export function bySection(rows: readonly StatementRow[]): { section: string; rows: StatementRow[] }[] {
  const groups = new Map<string, StatementRow[]>();
  for (const row of rows) {
    const section = row.section.split('.').slice(0, 2).join('.');
    groups.set(section, [...(groups.get(section) ?? []), row]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([section, grouped]) => ({ section, rows: grouped }));
}
