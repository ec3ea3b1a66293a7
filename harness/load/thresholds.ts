// Thresholds: `p99 < 20ms`, `lost == 0`, `rate >= 10000`. Each expression names one metric of the
// LoadResult, a comparison and a value; all must hold for the load to pass (exit code 1 otherwise).
// An entry `{ threshold, target, profile }` applies only to the runs its scope names: the section a
// run is given holds only the thresholds that apply to it (sectionForRun, applied by runLoadScenario
// on every path), and each result names the scope of the thresholds it was judged on.
import { HarnessError } from '../errors.js';
import {
  eventLoopDelayP99Ms,
  type LoadResult,
  type Percentiles,
  type ThresholdResult,
} from '../result/index.js';
import type { ThresholdEntry } from './section-parts.js';

export type { ThresholdEntry };

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

type MetricKind = 'latency' | 'count' | 'rate' | 'duration';

export interface Threshold {
  expression: string;
  metric: string;
  comparison: Comparison;
  /** The limit in the metric's base unit: µs for latencies, ms for durations, plain for counts and rates. */
  limit: number;
  /** Unit the expression used (reported values use it too). */
  unit: string;
  kind: MetricKind;
  /** Only for runs against this target / under this profile (a scoped entry). */
  target?: string;
  profile?: string;
}

/** Where an entry applies: absent keys mean every target / every profile. */
export interface ThresholdScope {
  target?: string;
  profile?: string;
}

/** A run a scope is matched against: its target's name and kind, its profile ('none' without one). */
export interface ScopedRun {
  target: string;
  kind?: string;
  profile: string;
}

const LATENCY_FIELDS: Record<string, keyof Percentiles> = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  'p99.9': 'p999',
  p999: 'p999',
  max: 'max',
  min: 'min',
  mean: 'mean',
  avg: 'mean',
};
const COUNTS = [
  'lost',
  'duplicated',
  'out_of_order',
  'errors',
  'dropped',
  'sent',
  'received',
  'intended',
  'expected',
] as const;
const RATES = ['rate', 'received_rate'] as const;
/** `<group>.<percentile>`: PUBACK/PUBCOMP round trip, connect time, service time, send lateness. */
const LATENCY_GROUPS: readonly string[] = ['ack', 'connect', 'service', 'lateness'];
const DURATIONS = ['overrun', 'event_loop_lag'] as const;
const LATENCY_UNITS: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000 };

const PATTERN =
  /^\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_.]+)?)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(\/s|[a-zµ]*)\s*$/;

/** A threshold expression that does not parse (code HARNESS_SCENARIO_INVALID). */
export class ThresholdError extends HarnessError {
  constructor(message: string) {
    super('HARNESS_SCENARIO_INVALID', message);
    this.name = 'ThresholdError';
  }
}

/** Parse one expression; throws ThresholdError with the reason. */
export function parseThreshold(expression: string): Threshold {
  const match = PATTERN.exec(expression);
  if (!match)
    throw new ThresholdError(`'${expression}': expected '<metric> <op> <value>', e.g. 'p99 < 20ms'`);
  const [, metric = '', comparison = '==', number = '0', unit = ''] = match;
  const value = Number(number);
  const kind = metricKind(metric);
  if (kind === undefined) {
    throw new ThresholdError(
      `'${expression}': unknown metric '${metric}' (latency p50/p90/p99/p99.9/max/min/mean, ack.<p>, connect.<p>, service.<p>, lateness.<p>, ${COUNTS.join(', ')}, ${RATES.join(', ')}, ${DURATIONS.join(', ')})`,
    );
  }
  const base = { expression: expression.trim(), metric, comparison: comparison as Comparison, kind };
  switch (kind) {
    case 'latency': {
      const scale = LATENCY_UNITS[unit || 'ms'];
      if (scale === undefined) throw new ThresholdError(`'${expression}': latency unit must be us, ms or s`);
      return { ...base, limit: value * scale, unit: unit || 'ms' };
    }
    case 'duration': {
      const scale = DURATION_UNITS[unit || 'ms'];
      if (scale === undefined) throw new ThresholdError(`'${expression}': duration unit must be ms or s`);
      return { ...base, limit: value * scale, unit: unit || 'ms' };
    }
    case 'count':
    case 'rate':
      if (unit !== '' && !(kind === 'rate' && unit === '/s'))
        throw new ThresholdError(`'${expression}': '${metric}' takes no unit`);
      return { ...base, limit: value, unit: '' };
  }
}

/** An entry as an expression and its scope (a plain string applies everywhere). */
export function entryParts(entry: ThresholdEntry): ThresholdScope & { threshold: string } {
  return typeof entry === 'string' ? { threshold: entry } : entry;
}

/** Parse every entry, collecting all errors; each threshold keeps its entry's scope. */
export function parseThresholds(entries: readonly ThresholdEntry[]): {
  thresholds: Threshold[];
  errors: string[];
} {
  const thresholds: Threshold[] = [];
  const errors: string[] = [];
  for (const entry of entries) {
    const { threshold, target, profile } = entryParts(entry);
    try {
      thresholds.push({
        ...parseThreshold(threshold),
        ...(target !== undefined && { target }),
        ...(profile !== undefined && { profile }),
      });
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { thresholds, errors };
}

/**
 * True when a scope applies to a run: its target is the run's target name or kind, its profile the
 * run's profile, by name (a profile file `…/profiles/lossy.yaml` is `lossy`).
 */
export function scopeApplies(scope: ThresholdScope, run: ScopedRun): boolean {
  const targetOk = scope.target === undefined || scope.target === run.target || scope.target === run.kind;
  const profileOk = scope.profile === undefined || profileName(scope.profile) === profileName(run.profile);
  return targetOk && profileOk;
}

function profileName(value: string): string {
  return value.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
}

/** The section one run is given: its thresholds narrowed to the entries whose scope applies. */
export function sectionForRun<Section extends { thresholds?: ThresholdEntry[] }>(
  section: Section,
  run: ScopedRun,
): Section {
  if (section.thresholds === undefined) return section;
  return {
    ...section,
    thresholds: section.thresholds.filter((entry) => scopeApplies(entryParts(entry), run)),
  };
}

/**
 * Thresholds judged again on figures merged from `sources` (runs of one load: one target, one
 * profile): every distinct expression × scope the sources were judged on.
 */
export function reevaluateThresholds(merged: LoadResult, sources: readonly LoadResult[]): ThresholdResult[] {
  const entries = new Map<string, ThresholdEntry>();
  for (const { expression, target, profile } of sources.flatMap((source) => source.thresholds)) {
    const entry: ThresholdEntry =
      target === undefined && profile === undefined
        ? expression
        : {
            threshold: expression,
            ...(target !== undefined && { target }),
            ...(profile !== undefined && { profile }),
          };
    entries.set(JSON.stringify(entry), entry);
  }
  return evaluateThresholds(merged, parseThresholds([...entries.values()]).thresholds);
}

function metricKind(metric: string): MetricKind | undefined {
  const [head = '', field] = metric.split(/\.(.*)/s);
  if (LATENCY_GROUPS.includes(head) && field !== undefined)
    return field in LATENCY_FIELDS ? 'latency' : undefined;
  if (metric in LATENCY_FIELDS) return 'latency';
  if ((COUNTS as readonly string[]).includes(metric)) return 'count';
  if ((RATES as readonly string[]).includes(metric)) return 'rate';
  if ((DURATIONS as readonly string[]).includes(metric)) return 'duration';
  return undefined;
}

/** The metric's value in its base unit, from a finished result. */
export function metricValue(result: LoadResult, threshold: Threshold): number {
  const { metric } = threshold;
  const sum = (field: 'lost' | 'duplicated' | 'outOfOrder' | 'expected'): number =>
    result.delivery.reduce((total, verdict) => total + verdict[field], 0);
  switch (threshold.kind) {
    case 'latency': {
      const [head = '', field = ''] = metric.split(/\.(.*)/s);
      if (head === 'ack') return result.ackLatency?.percentiles[LATENCY_FIELDS[field] ?? 'max'] ?? 0;
      if (head === 'connect') return result.connectLatency?.percentiles[LATENCY_FIELDS[field] ?? 'max'] ?? 0;
      if (head === 'service') return result.serviceTime?.percentiles[LATENCY_FIELDS[field] ?? 'max'] ?? 0;
      if (head === 'lateness') return result.sendLateness?.percentiles[LATENCY_FIELDS[field] ?? 'max'] ?? 0;
      return result.latency[LATENCY_FIELDS[metric] ?? 'max'];
    }
    case 'rate':
      return metric === 'rate' ? result.rate.sentPerSec : result.rate.receivedPerSec;
    case 'duration':
      // event_loop_lag is the delay beyond the monitor's sampling period (≈ 0 on an idle loop), the
      // figure the verdict and every reporter use, not the raw monitor p99 (≈ 10 ms when idle).
      return metric === 'overrun'
        ? result.generator.scheduleOverrunMs
        : eventLoopDelayP99Ms(result.generator);
    case 'count':
      switch (metric) {
        case 'lost':
          return sum('lost');
        case 'duplicated':
          return sum('duplicated');
        case 'out_of_order':
          return sum('outOfOrder');
        case 'expected':
          return sum('expected');
        case 'errors':
          return result.errors;
        case 'dropped':
          return result.dropped;
        case 'sent':
          return result.sent;
        case 'received':
          return result.received;
        default:
          return result.intended;
      }
  }
}

export function compare(actual: number, comparison: Comparison, limit: number): boolean {
  switch (comparison) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/**
 * Latency, rate and duration figures depend on the machine as well as the broker: on a run whose
 * figures cannot be trusted (verdict inconclusive) their thresholds cannot fail it. Counts can.
 */
export function isTiming(threshold: Threshold): boolean {
  return threshold.kind !== 'count' || threshold.metric === 'dropped';
}

/** Evaluate thresholds; `actual` is reported in the unit the expression used. */
export function evaluateThresholds(result: LoadResult, thresholds: readonly Threshold[]): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const base = metricValue(result, threshold);
    const scale =
      threshold.kind === 'latency'
        ? (LATENCY_UNITS[threshold.unit] ?? 1)
        : threshold.kind === 'duration'
          ? (DURATION_UNITS[threshold.unit] ?? 1)
          : 1;
    return {
      expression: threshold.expression,
      actual: base / scale,
      ok: compare(base, threshold.comparison, threshold.limit),
      unit: threshold.kind === 'rate' ? '/s' : threshold.unit,
      timing: isTiming(threshold),
      ...(threshold.kind === 'latency' &&
        (threshold.comparison === '<' || threshold.comparison === '<=') && { latencyUpperBound: true }),
      ...(threshold.target !== undefined && { target: threshold.target }),
      ...(threshold.profile !== undefined && { profile: threshold.profile }),
    };
  });
}
