// Grouping: the same difference (target, class, aspect, packet, field and both values) wherever it
// occurs is one row with a count, so a hundred identical differences read as one. Timing rows group
// by packet and direction (slower / faster) and show the range of the waits. Each row says what to
// do next: pin the value in a stricter scenario, or list it as a known deviation of the target.
import type { DifferenceOccurrence, DifferenceRow } from '../result/index.js';
import type { Finding } from './instances.js';

/** Occurrences listed per row; `count` has them all. */
const MAX_OCCURRENCES = 20;

export function groupFindings(findings: readonly Finding[], baseline: string): DifferenceRow[] {
  const rows = new Map<string, { first: Finding; all: Finding[] }>();
  for (const finding of findings) {
    const key = keyOf(finding);
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { first: finding, all: [finding] });
    else row.all.push(finding);
  }
  return [...rows.entries()]
    .map(([key, { first, all }]) => toRow(key, first, all, baseline))
    .sort(byClassThenCount);
}

const CLASS_ORDER = ['one side fails the scenario', 'both legal', 'timing'];

function byClassThenCount(a: DifferenceRow, b: DifferenceRow): number {
  return (
    CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class) ||
    b.count - a.count ||
    a.key.localeCompare(b.key)
  );
}

function keyOf(finding: Finding): string {
  const parts: string[] = [
    finding.target,
    finding.class,
    finding.aspect,
    finding.packet ?? '',
    finding.field ?? '',
  ];
  if (finding.aspect === 'timing') {
    const timing = finding.timing;
    parts.push(timing !== undefined && timing.otherMs > timing.baselineMs ? 'slower' : 'faster');
  } else if (finding.aspect === 'verdict') {
    const o = finding.occurrence;
    parts.push(o.scenario, o.mqttVersion, finding.baseline, finding.other);
  } else parts.push(finding.baseline, finding.other);
  return parts.join(' | ');
}

function toRow(key: string, first: Finding, all: readonly Finding[], baseline: string): DifferenceRow {
  const occurrences = all.map((finding) => finding.occurrence);
  const values =
    first.aspect === 'timing' ? timingValues(occurrences) : { baseline: first.baseline, other: first.other };
  const row: DifferenceRow = {
    key,
    class: first.class,
    aspect: first.aspect,
    target: first.target,
    ...(first.packet !== undefined && { packet: first.packet }),
    ...(first.field !== undefined && { field: first.field }),
    baseline: values.baseline,
    other: values.other,
    summary: '',
    count: all.length,
    statements: [...new Set(occurrences.flatMap((o) => o.statements))].sort(),
    occurrences: occurrences.slice(0, MAX_OCCURRENCES),
    next: [],
  };
  row.summary = summaryOf(row, baseline);
  row.next = nextSteps(row, baseline);
  return row;
}

function timingValues(occurrences: readonly DifferenceOccurrence[]): { baseline: string; other: string } {
  const range = (values: number[]): string => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high ? `${low} ms` : `${low}–${high} ms`;
  };
  return {
    baseline: range(occurrences.map((o) => o.baselineMs ?? 0)),
    other: range(occurrences.map((o) => o.otherMs ?? 0)),
  };
}

function summaryOf(row: DifferenceRow, baseline: string): string {
  const what = [row.packet, row.field].filter((part) => part !== undefined).join(' ');
  switch (row.aspect) {
    case 'verdict':
      return `${row.occurrences[0]?.scenario ?? ''}: ${baseline} ${row.baseline}, ${row.target} ${row.other}`;
    case 'timing':
      return `${row.packet ?? 'reply'} waited for: ${baseline} ${row.baseline}, ${row.target} ${row.other}`;
    case 'order':
      return `packets in another order: ${baseline} ${row.baseline}; ${row.target} ${row.other}`;
    case 'packet':
      return `${baseline}: ${row.baseline}; ${row.target}: ${row.other}`;
    case 'close':
      return `connection closed: ${baseline} ${row.baseline}, ${row.target} ${row.other}`;
    case 'reason code':
    case 'flag':
    case 'property':
    case 'field':
      return `${what}: ${baseline} ${row.baseline}, ${row.target} ${row.other}`;
  }
}

function nextSteps(row: DifferenceRow, baseline: string): string[] {
  const first = row.occurrences[0];
  const at = first?.location ?? first?.file ?? 'the step';
  const statement = row.statements[0] ?? 'MQTT-x.y.z-n';
  const deviation = (target: string, behaviour: string): string =>
    `known deviation: add to the deviations file of '${target}': { scenario: ${first?.scenario ?? '?'}, statement: ${statement}, behaviour: ${behaviour} }`;
  switch (row.class) {
    case 'one side fails the scenario': {
      const failing = row.other === 'passed' || row.baseline !== 'passed' ? baseline : row.target;
      return [
        `fix or accept: the scenario fails on '${failing}' at ${at}`,
        deviation(failing, JSON.stringify(row.summary)),
      ];
    }
    case 'timing':
      return [
        `stricter scenario: give the step at ${at} a timeout between ${row.baseline} and ${row.other} if the spec bounds this delay`,
        deviation(row.target, JSON.stringify(`${row.packet ?? 'reply'} after ${row.other}`)),
      ];
    case 'both legal':
      return [
        row.field !== undefined
          ? `stricter scenario: pin ${row.field} to ${row.baseline} at ${at} if only that value is allowed (cite the statement)`
          : `stricter scenario: expect exactly ${baseline}'s packets at ${at} if the spec requires them`,
        `${deviation(row.target, JSON.stringify(row.summary))} once the stricter scenario fails there`,
      ];
  }
}
