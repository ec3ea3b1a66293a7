// Aligning what two targets sent to one client during one step: the same packet types in the same
// order pair up one to one; the same types in another order are an `order` difference (then paired by
// type); otherwise the longest common subsequence of types pairs them and the rest is a packet only
// one side sent. Paired packets are compared field by field, and by how long the step waited for them.
import type { DifferenceAspect } from '../result/index.js';
import { compareFields } from './fields.js';

/** One thing a target sent: a packet, bytes that did not decode, or the close of the connection. */
export interface Observed {
  /** Packet type, `closed` or `garbage`. */
  token: string;
  packet?: Readonly<Record<string, unknown>>;
  close?: string;
  /** How long after the start of its step it arrived (0 when it was there before the step began). */
  waitMs: number;
}

export interface PairFinding {
  aspect: DifferenceAspect;
  packet?: string;
  field?: string;
  baseline: string;
  other: string;
  detail?: string;
  timing?: { baselineMs: number; otherMs: number };
}

export interface TimingRule {
  toleranceMs: number;
  factor: number;
}

export function alignSequences(
  baseline: readonly Observed[],
  other: readonly Observed[],
  timing: TimingRule,
): PairFinding[] {
  const a = baseline.map((item) => item.token);
  const b = other.map((item) => item.token);
  const findings: PairFinding[] = [];
  let pairs: [Observed, Observed][];
  if (a.join() === b.join()) {
    pairs = baseline.map((item, i) => [item, other[i]!]);
  } else if ([...a].sort().join() === [...b].sort().join()) {
    findings.push({
      aspect: 'order',
      baseline: sequence(a),
      other: sequence(b),
      detail: `${sequence(a)} / ${sequence(b)}`,
    });
    pairs = pairByType(baseline, other);
  } else {
    const matched = lcs(a, b);
    pairs = matched.map(([i, j]) => [baseline[i]!, other[j]!]);
    const usedA = new Set(matched.map(([i]) => i));
    const usedB = new Set(matched.map(([, j]) => j));
    baseline.forEach((item, i) => {
      if (!usedA.has(i)) findings.push(onlyOneSide(item, 'baseline', sequence(a), sequence(b)));
    });
    other.forEach((item, j) => {
      if (!usedB.has(j)) findings.push(onlyOneSide(item, 'other', sequence(a), sequence(b)));
    });
  }
  for (const [x, y] of pairs) findings.push(...comparePair(x, y, timing));
  return findings;
}

function comparePair(x: Observed, y: Observed, timing: TimingRule): PairFinding[] {
  const findings: PairFinding[] = [];
  const packet = label(x.token);
  if (x.token === 'closed' && x.close !== y.close) {
    findings.push({
      aspect: 'close',
      packet,
      field: 'close',
      baseline: x.close ?? '?',
      other: y.close ?? '?',
    });
  }
  if (x.packet !== undefined && y.packet !== undefined) {
    for (const difference of compareFields(x.token, x.packet, y.packet))
      findings.push({ ...difference, packet });
  }
  const slow = Math.max(x.waitMs, y.waitMs);
  const fast = Math.min(x.waitMs, y.waitMs);
  if (slow - fast > timing.toleranceMs && slow >= timing.factor * Math.max(fast, 1)) {
    findings.push({
      aspect: 'timing',
      packet,
      baseline: `${x.waitMs} ms`,
      other: `${y.waitMs} ms`,
      timing: { baselineMs: x.waitMs, otherMs: y.waitMs },
    });
  }
  return findings;
}

function onlyOneSide(item: Observed, side: 'baseline' | 'other', a: string, b: string): PairFinding {
  const what =
    item.token === 'closed' ? `closes the connection (${item.close ?? '?'})` : `sends ${label(item.token)}`;
  return {
    aspect: 'packet',
    packet: label(item.token),
    baseline: side === 'baseline' ? what : '—',
    other: side === 'other' ? what : '—',
    detail: `${a} / ${b}`,
  };
}

/** The k-th packet of each type on one side with the k-th of that type on the other. */
function pairByType(baseline: readonly Observed[], other: readonly Observed[]): [Observed, Observed][] {
  const remaining = [...other];
  const pairs: [Observed, Observed][] = [];
  for (const item of baseline) {
    const at = remaining.findIndex((candidate) => candidate.token === item.token);
    if (at < 0) continue;
    pairs.push([item, remaining[at]!]);
    remaining.splice(at, 1);
  }
  return pairs;
}

/** Index pairs of a longest common subsequence of two token lists. */
function lcs(a: readonly string[], b: readonly string[]): [number, number][] {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

export function label(token: string): string {
  return token === 'closed' ? 'close' : token === 'garbage' ? 'undecodable bytes' : token.toUpperCase();
}

/** `PUBREC ×64, DISCONNECT, close`: runs of one type written once with their length. */
function sequence(tokens: readonly string[]): string {
  if (tokens.length === 0) return 'nothing';
  const runs: string[] = [];
  for (let i = 0; i < tokens.length;) {
    let j = i;
    while (j < tokens.length && tokens[j] === tokens[i]) j++;
    runs.push(j - i > 1 ? `${label(tokens[i]!)} ×${j - i}` : label(tokens[i]!));
    i = j;
  }
  return runs.join(', ');
}
