// The comparative view of a run's loads, a pure function of the RunResult: per workload, a row per
// profile (lan → 3g → lossy-5 → others) and offered rate, a cell per target with each metric's
// value and 95 % interval, the change against the baseline target and whether it is significant,
// the maximum sustainable rate per target and profile, and the cells that cannot be judged.
import type { LoadResult, RunResult, SweepResult } from '../../../result/index.js';
import {
  compareSustainable,
  judgeDifference,
  significantOrder,
  type Evidence,
  type OrderClaim,
} from '../../../result/index.js';
import { targetNames, unique } from '../aggregate.js';
import {
  comparisonPoints,
  orderProfiles,
  pointOf,
  workloadOf,
  type ComparisonPoint,
  type PointStatus,
} from './points.js';
import { meanEstimate, readHistogram, type Estimate } from './stats.js';

export interface MetricSpec {
  id: 'p50' | 'p99' | 'p999' | 'delivered';
  label: string;
  unit: 'us' | 'msg/s';
  /** Quantile (0..1) for latency percentiles. */
  quantile?: number;
  lowerIsBetter: boolean;
}

export const METRICS: readonly MetricSpec[] = [
  { id: 'p50', label: 'p50 latency', unit: 'us', quantile: 0.5, lowerIsBetter: true },
  { id: 'p99', label: 'p99 latency', unit: 'us', quantile: 0.99, lowerIsBetter: true },
  { id: 'p999', label: 'p99.9 latency', unit: 'us', quantile: 0.999, lowerIsBetter: true },
  { id: 'delivered', label: 'delivered messages/s', unit: 'msg/s', lowerIsBetter: false },
];

export type MetricId = MetricSpec['id'];

/** A percentile that rests on fewer samples above it than this gets a caveat. */
export const MIN_SAMPLES_ABOVE = 100;

/** Delivered below this share of the offered rate: not sustained. */
export const SUSTAINED_SHARE = 0.99;

export interface MetricValue extends Estimate {
  /** Each repetition's value, when the cell was repeated. */
  values?: number[];
  /** "rests on 2 samples above it" when a percentile has fewer than MIN_SAMPLES_ABOVE above it. */
  caveat?: string;
  samplesAbove?: number;
}

export interface Delta {
  /** (value − baseline) / baseline. */
  change: number;
  significant: boolean;
  /** Meaningful only when significant. */
  better: boolean;
  /** How significance was judged (judgeDifference): Welch's t-test over repetitions, non-overlapping intervals, or not at all. */
  test?: 'welch' | 'intervals' | 'none';
}

export interface CellView {
  target: string;
  points: ComparisonPoint[];
  repetitions: number;
  status: PointStatus;
  reason?: string;
  metrics: Record<MetricId, MetricValue>;
  /** Against the baseline target's cell of the same row (absent in the baseline column). */
  delta?: Partial<Record<MetricId, Delta>>;
}

export interface RowView {
  profile: string;
  offeredPerSec?: number;
  cells: Map<string, CellView>;
}

export interface MaxRate {
  /** 'exact': the knee lies between `value` and the next rate tried; 'at-least': every rate tried held. */
  bound: 'exact' | 'at-least' | 'below' | 'inconclusive' | 'none';
  value?: number;
  /** 95 % interval over a sweep's repetitions. */
  ci?: { low: number; high: number };
  repetitions?: number;
  /** The rate that was not sustained, and why (for 'exact' and 'below'). */
  next?: { rate: number; why: string };
  reason?: string;
  /**
   * Against the baseline target's sweep under the same profile (sweeps only, absent in the baseline
   * column): Δ of the means, and `better`/`worse` exactly where the ranking (significantOrder)
   * claims an order — the same decision, so the table and the ranking cannot disagree.
   */
  delta?: { change: number | undefined; mark: 'better' | 'worse' | 'not significant' };
}

/** The SLO a profile's steps were judged against (a sweep's, per profile; or a load's p99 threshold). */
export interface ProfileSlo {
  p50Us?: number;
  p99Us?: number;
  /** "p50=5ms, p99=100ms, delivered≥99%". */
  text: string;
}

export interface WorkloadView {
  name: string;
  profiles: string[];
  targets: string[];
  /** The first SLO found (all profiles alike unless a sweep sets one per profile: see `slos`). */
  sloUs?: number;
  /** profile → its SLO (a sweep may set one per profile: tight under lan, generous under 3g). */
  slos: Map<string, ProfileSlo>;
  rows: RowView[];
  /** profile → target → maximum sustainable rate (open-model loads only). */
  maxRate: Map<string, Map<string, MaxRate>>;
  /** profile → the significant orders by maximum sustainable rate (significantOrder over the sweeps). */
  order: Map<string, OrderClaim[]>;
  points: ComparisonPoint[];
}

export interface ComparativeView {
  baseline: string;
  /** Set when the requested baseline is not a target of the run (the first target is used). */
  baselineNote?: string;
  targets: string[];
  workloads: WorkloadView[];
  /** Cells (target × profile × rate) that cannot be judged, with their reasons. */
  inconclusive: { workload: string; profile: string; target: string; reason: string }[];
}

export interface ComparativeOptions {
  /** The target every other is compared with; default the first target of the run. */
  baselineTarget?: string;
}

/** Undefined when there is nothing to compare: no loads, or one target under one profile. */
export function comparativeView(
  result: RunResult,
  options: ComparativeOptions = {},
): ComparativeView | undefined {
  const points = comparisonPoints(result);
  if (points.length === 0) return undefined;
  const targets = targetNames(result).filter((t) => points.some((p) => p.target === t));
  const profiles = orderProfiles(points.map((p) => p.profile));
  if (targets.length < 2 && profiles.length < 2) return undefined;
  const requested = options.baselineTarget;
  const baseline = requested !== undefined && targets.includes(requested) ? requested : targets[0]!;
  const sweeps = result.sweeps ?? [];
  const workloads = unique(points.map((p) => p.workload)).map((name) =>
    workloadView(
      name,
      points.filter((p) => p.workload === name),
      sweeps.filter((s) => workloadOf(s) === name),
      targets,
      baseline,
    ),
  );
  const inconclusive = workloads.flatMap((w) =>
    w.rows.flatMap((row) =>
      [...row.cells.values()]
        .filter((c) => c.status === 'inconclusive')
        .map((c) => ({
          workload: w.name,
          profile: row.profile,
          target: c.target,
          reason: c.reason ?? 'inconclusive',
        })),
    ),
  );
  return {
    baseline,
    ...(requested !== undefined && requested !== baseline
      ? { baselineNote: `baseline '${requested}' is not a target of this run; compared with '${baseline}'` }
      : {}),
    targets,
    workloads,
    inconclusive,
  };
}

function workloadView(
  name: string,
  points: ComparisonPoint[],
  sweeps: SweepResult[],
  allTargets: string[],
  baseline: string,
): WorkloadView {
  const targets = allTargets.filter((t) => points.some((p) => p.target === t));
  const profiles = orderProfiles(points.map((p) => p.profile));
  const rows: RowView[] = [];
  for (const profile of profiles) {
    const here = points.filter((p) => p.profile === profile);
    const rates = unique(here.map((p) => p.offeredPerSec)).sort((a, b) => (a ?? Infinity) - (b ?? Infinity));
    for (const rate of rates) {
      const cells = new Map<string, CellView>();
      for (const target of targets) {
        const reps = here.filter((p) => p.target === target && p.offeredPerSec === rate);
        if (reps.length > 0) cells.set(target, cellView(target, reps));
      }
      const base = cells.get(baseline);
      if (base) for (const cell of cells.values()) if (cell !== base) cell.delta = deltas(cell, base);
      rows.push({ profile, ...(rate === undefined ? {} : { offeredPerSec: rate }), cells });
    }
  }
  const maxRate = new Map<string, Map<string, MaxRate>>();
  const order = new Map<string, OrderClaim[]>();
  for (const profile of profiles) {
    const perTarget = new Map<string, MaxRate>();
    const here = targets.flatMap((target) => {
      const sweep = sweeps.find((x) => x.profile === profile && x.target === target);
      return sweep ? [sweep] : [];
    });
    const base = here.find((x) => x.target === baseline);
    for (const target of targets) {
      const sweep = here.find((x) => x.target === target);
      const mine = points.filter((p) => p.profile === profile && p.target === target && p.source === 'load');
      if (sweep) {
        const m = sweepMaxRate(sweep);
        if (base && sweep !== base) {
          const compared = compareSustainable(base, sweep);
          const mark =
            compared.order === 'higher' ? 'better' : compared.order === 'lower' ? 'worse' : 'not significant';
          m.delta = {
            change: compared.deltaPercent === undefined ? undefined : compared.deltaPercent / 100,
            mark,
          };
        }
        perTarget.set(target, m);
      } else if (mine.length) perTarget.set(target, maxSustainable(mine));
    }
    maxRate.set(profile, perTarget);
    if (here.length >= 2) order.set(profile, significantOrder(here));
  }
  const slo = points.find((p) => p.sloUs !== undefined)?.sloUs;
  const slos = new Map<string, ProfileSlo>();
  for (const profile of profiles) {
    const sweep = sweeps.find((x) => x.profile === profile);
    const p99Us = points.find((p) => p.profile === profile && p.sloUs !== undefined)?.sloUs;
    if (sweep)
      slos.set(profile, {
        ...(sweep.slo.p50Us === undefined ? {} : { p50Us: sweep.slo.p50Us }),
        ...(sweep.slo.p99Us === undefined ? {} : { p99Us: sweep.slo.p99Us }),
        text: sweep.slo.text,
      });
    else if (p99Us !== undefined) slos.set(profile, { p99Us, text: `p99 < ${p99Us / 1000}ms` });
  }
  return {
    name,
    profiles,
    targets,
    ...(slo === undefined ? {} : { sloUs: slo }),
    slos,
    rows,
    maxRate,
    order,
    points,
  };
}

function cellView(target: string, reps: ComparisonPoint[]): CellView {
  // Inconclusive repetitions do not enter the figures when others can; all inconclusive: shown greyed.
  const usable = reps.filter((p) => p.status !== 'inconclusive');
  const basis = usable.length > 0 ? usable : reps;
  const status: PointStatus =
    usable.length === 0
      ? 'inconclusive'
      : ((['failed', 'knee'] as const).find((s) => usable.some((p) => p.status === s)) ?? 'ok');
  const reason = (status === 'ok' ? undefined : basis.find((p) => p.reason)?.reason) ?? undefined;
  const metrics = {} as Record<MetricId, MetricValue>;
  for (const metric of METRICS) metrics[metric.id] = metricValue(metric, basis);
  return {
    target,
    points: reps,
    repetitions: basis.length,
    status,
    ...(reason === undefined ? {} : { reason }),
    metrics,
  };
}

function metricValue(metric: MetricSpec, reps: ComparisonPoint[]): MetricValue {
  // A step that measured nothing (it could not run) has no figure, not a zero.
  if (reps.every((p) => p.latency.count === 0 && p.deliveredPerSec === 0)) return { value: NaN };
  if (metric.quantile === undefined) {
    if (reps.length >= 2) {
      const values = reps.map((p) => p.deliveredPerSec);
      return { ...meanEstimate(values, 'repetitions'), values };
    }
    const only = reps[0]!;
    const perSecond = only.deliveredSeries ?? [];
    return perSecond.length >= 2
      ? { ...meanEstimate(perSecond, 'intervals'), value: only.deliveredPerSec }
      : { value: only.deliveredPerSec };
  }
  const q = metric.quantile;
  const id = metric.id as 'p50' | 'p99' | 'p999';
  const fewest = Math.min(...reps.map((p) => p.latency.count));
  // The expected number of samples above the q-quantile: p99.9 of 1,600 samples rests on ~2.
  const samplesAbove = Math.round(fewest * (1 - q));
  const caveat =
    fewest > 0 && samplesAbove < MIN_SAMPLES_ABOVE
      ? `${metric.label.split(' ')[0]} rests on ~${samplesAbove} sample${samplesAbove === 1 ? '' : 's'} above it`
      : undefined;
  const extra = { samplesAbove, ...(caveat === undefined ? {} : { caveat }) };
  if (reps.length >= 2) {
    const values = reps.map((p) => p.latency[id]);
    return { ...meanEstimate(values, 'repetitions'), values, ...extra };
  }
  const only = reps[0]!;
  const value = only.latency[id];
  const reader = readHistogram(only.histogram);
  if (!reader) return { value, ...extra };
  const ci = reader.interval(q);
  // The interval holds the value by construction; the reader's rounding (HDR buckets) may not.
  return {
    value,
    ci: { low: Math.min(ci.low, value), high: Math.max(ci.high, value) },
    method: 'order-statistics',
    ...extra,
  };
}

function deltas(cell: CellView, base: CellView): Partial<Record<MetricId, Delta>> {
  const out: Partial<Record<MetricId, Delta>> = {};
  const judged = cell.status !== 'inconclusive' && base.status !== 'inconclusive';
  for (const metric of METRICS) {
    const v = cell.metrics[metric.id];
    const b = base.metrics[metric.id];
    if (!(b.value > 0) || !Number.isFinite(v.value)) continue;
    const change = (v.value - b.value) / b.value;
    // The one decision (judgeDifference, result/sweep-stats.ts), as the ranking uses.
    const decision = judgeDifference(evidence(b), evidence(v));
    out[metric.id] = {
      change,
      significant: judged && decision.significant,
      better: metric.lowerIsBetter ? v.value < b.value : v.value > b.value,
      test: decision.test,
    };
  }
  return out;
}

/**
 * What a table cell of one load knows of its figure (the value and its 95 % interval: order
 * statistics of the histogram for a percentile, Student's t over the 1 s intervals for the rate):
 * the evidence judgeDifference decides on. `harness compare` judges two runs' loads with it, so
 * a regression there and a better/worse mark here are the same decision on the same evidence.
 */
export function loadEvidence(load: LoadResult, metric: 'p50' | 'p99' | 'delivered'): Evidence {
  const spec = METRICS.find((m) => m.id === metric)!;
  return evidence(metricValue(spec, [pointOf(load)]));
}

function evidence(v: MetricValue): Evidence {
  return { mean: v.value, ...(v.values && { values: v.values }), ...(v.ci && { ci: v.ci }) };
}

/** Why a point does not hold its offered rate, or undefined when it does. */
export function notSustained(p: ComparisonPoint): string | undefined {
  if (p.status === 'inconclusive') return p.reason ?? 'inconclusive';
  if (p.status === 'knee') return p.reason ?? 'knee';
  if (p.offeredPerSec === undefined) return 'closed loop: no offered rate';
  const expected = p.expectedPerSec ?? p.offeredPerSec;
  if (p.deliveredPerSec < SUSTAINED_SHARE * expected)
    return `delivered ${Math.round(p.deliveredPerSec)}/s < ${SUSTAINED_SHARE * 100} % of ${Math.round(expected)}/s expected`;
  if (p.sloUs !== undefined && p.latency.p99 > p.sloUs) return 'p99 over the SLO';
  if (p.status === 'failed') return p.reason ?? 'failed';
  return undefined;
}

/** The highest offered rate every repetition held (delivered ≥ 99 %, p99 within the SLO, no failure). */
export function maxSustainable(points: readonly ComparisonPoint[]): MaxRate {
  const open = points.filter((p) => p.offeredPerSec !== undefined);
  if (open.length === 0) return { bound: 'none', reason: 'closed loop: no offered rate' };
  const rates = unique(open.map((p) => p.offeredPerSec!)).sort((a, b) => a - b);
  let best: number | undefined;
  for (const rate of rates) {
    const reps = open.filter((p) => p.offeredPerSec === rate);
    const judged = reps.filter((p) => p.status !== 'inconclusive');
    if (judged.length === 0) {
      if (best === undefined) return { bound: 'inconclusive', reason: reps[0]?.reason ?? 'inconclusive' };
      return { bound: 'at-least', value: best, reason: `${rate}/s inconclusive: ${reps[0]?.reason ?? ''}` };
    }
    const why = judged.map(notSustained).find((w) => w !== undefined);
    if (why !== undefined)
      return best === undefined
        ? { bound: 'below', value: rate, next: { rate, why } }
        : { bound: 'exact', value: best, next: { rate, why } };
    best = rate;
  }
  return { bound: 'at-least', value: best! };
}

/** A sweep's own maximum sustainable rate (mean over its repetitions) and what bounded it. */
export function sweepMaxRate(sweep: SweepResult): MaxRate {
  const m = sweep.maxSustainableRate;
  const ci = m.ci ? { ci: { low: m.ci.low, high: m.ci.high } } : {};
  const firstNotOk = sweep.steps.find((s) => s.verdict !== 'ok');
  const next = firstNotOk
    ? { next: { rate: firstNotOk.offeredRate, why: firstNotOk.reason ?? firstNotOk.verdict } }
    : {};
  const common = { repetitions: m.n, ...ci, ...next };
  if (sweep.bound === 'knee')
    return m.mean > 0
      ? { bound: 'exact', value: m.mean, ...common }
      : { bound: 'below', value: sweep.rates[0] ?? 0, ...common };
  if (m.mean === 0)
    return { bound: 'inconclusive', reason: sweep.reason ?? 'the first rate was inconclusive', ...common };
  return {
    bound: 'at-least',
    value: m.mean,
    ...common,
    ...(sweep.bound === 'generator' ? { reason: sweep.reason ?? 'stopped on the generator' } : {}),
  };
}
