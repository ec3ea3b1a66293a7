// Statistics over sweep repetitions, pure functions of the result model (reporters may call them):
// an Estimate (mean and 95 % confidence interval, Student's t), THE decision whether two figures
// differ (judgeDifference: Δ % and Welch's t-test over repetitions, or non-overlapping intervals of
// single runs) that every view and the ranking of targets use, the samples a percentile rests on, and the summary of a cell's
// repetitions (per-rate estimates, maximum sustainable rate).
//
// Repetitions are few (3 to 5), so the interval uses Student's t with n − 1 degrees of freedom,
// not the normal 1.96: with n = 3, t = 4.30 and the interval is more than twice as wide. The
// two-sided 97.5 % quantiles are a table (exact to 3 decimals) rather than an inverted incomplete
// beta: this module stays free of imports beyond the result model, as reporters need it.
import type {
  Estimate,
  SweepBound,
  SweepRepetition,
  SweepResult,
  SweepStep,
  SweepStepSummary,
  SweepStepVerdict,
} from './sweep.js';

/** t(0.975, df) for df = 1..30; beyond, interpolated in 1/df towards 1.960. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Two-sided 95 % critical value of Student's t; df rounded down (the conservative side). */
export function tCritical95(df: number): number {
  const whole = Math.floor(df);
  if (!(whole >= 1)) return Infinity;
  if (whole <= T_975.length) return T_975[whole - 1]!;
  // 1.960 + (2.042 − 1.960) · 30 / df: exact at 30 and at infinity, within 0.002 between.
  return 1.96 + ((T_975[T_975.length - 1]! - 1.96) * T_975.length) / whole;
}

export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / n;
  const stddev = n < 2 ? 0 : Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  const result: Estimate = { values: [...values], n, mean, stddev };
  if (n >= 2) {
    const halfWidth = (tCritical95(n - 1) * stddev) / Math.sqrt(n);
    result.ci = { low: mean - halfWidth, high: mean + halfWidth, halfWidth, level: 0.95 };
  }
  return result;
}

export interface EstimateComparison {
  /** (other − baseline) / baseline × 100; undefined when the baseline mean is 0. */
  deltaPercent: number | undefined;
  /** The means differ at α = 0.05 (see `test`); false when it could not be judged. */
  significant: boolean;
  /** How it was judged: Welch's t-test over repetitions, non-overlapping 95 % intervals of one run each, or not at all. */
  test: 'welch' | 'intervals' | 'none';
  /** Why significance could not be judged. */
  note?: string;
}

/**
 * What a figure is known from, for `judgeDifference`: its mean, each repetition's value (two or
 * more: repetitions), or one run's value with its 95 % interval (a percentile's order-statistics
 * interval, a rate's interval over the run's seconds).
 */
export interface Evidence {
  mean: number;
  values?: readonly number[];
  ci?: { low: number; high: number };
}

/**
 * THE decision whether two figures differ, used by every view and by the ranking (significantOrder):
 * both repeated (two values or more each) → Welch's t-test at α = 0.05 (unequal variances,
 * Welch–Satterthwaite degrees of freedom); otherwise, both with a 95 % interval (one run's, or one
 * side repeated and the other not) → the intervals must not overlap (conservative: about p < 0.01
 * for a difference of means); otherwise not judged. Whether a difference is better depends on
 * the metric (lower latency, higher rate): the caller knows.
 */
export function judgeDifference(baseline: Evidence, other: Evidence): EstimateComparison {
  const deltaPercent =
    baseline.mean === 0 ? undefined : ((other.mean - baseline.mean) / Math.abs(baseline.mean)) * 100;
  const a = baseline.values ?? [];
  const b = other.values ?? [];
  if (a.length >= 2 && b.length >= 2) {
    const [ea, eb] = [estimate(a), estimate(b)];
    return { deltaPercent, significant: welch(ea, eb), test: 'welch' };
  }
  if (baseline.ci && other.ci) {
    const apart = baseline.ci.high < other.ci.low || other.ci.high < baseline.ci.low;
    return { deltaPercent, significant: apart, test: 'intervals' };
  }
  return {
    deltaPercent,
    significant: false,
    test: 'none',
    note: 'one value, no interval: significance not judged',
  };
}

function welch(a: Estimate, b: Estimate): boolean {
  const va = a.stddev ** 2 / a.n;
  const vb = b.stddev ** 2 / b.n;
  const diff = b.mean - a.mean;
  if (va + vb === 0) return diff !== 0;
  const t = diff / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return Math.abs(t) > tCritical95(df);
}

/** How `other` differs from `baseline` over their repetitions (judgeDifference; n < 2 on either side: not judged). */
export function compareEstimates(baseline: Estimate, other: Estimate): EstimateComparison {
  const judged = judgeDifference(
    { mean: baseline.mean, values: baseline.values },
    { mean: other.mean, values: other.values },
  );
  return judged.test === 'none' ? { ...judged, note: 'one repetition: significance not judged' } : judged;
}

/** Samples above percentile p (e.g. 99.9) of `count`: what the percentile rests on. */
export function samplesAbove(count: number, percentile: number): number {
  return Math.floor(count * (1 - percentile / 100));
}

const SEVERITY: Record<SweepStepVerdict, number> = { ok: 0, knee: 1, inconclusive: 2 };

/** Offered rate of the last ok step before the first step that is not ok, and what stopped the climb. */
export function sustainable(steps: readonly SweepStep[]): { rate: number; bound: SweepBound } {
  let rate = 0;
  for (const step of steps) {
    if (step.verdict === 'knee') return { rate, bound: 'knee' };
    if (step.verdict === 'inconclusive') return { rate, bound: 'generator' };
    rate = step.offeredRate;
  }
  return { rate, bound: 'last-rate' };
}

/** Per planned rate, each figure as an Estimate over the repetitions that reached it. */
export function summarizeSteps(
  rates: readonly number[],
  repetitions: readonly SweepRepetition[],
): SweepStepSummary[] {
  const summaries: SweepStepSummary[] = [];
  rates.forEach((offeredRate, index) => {
    const steps = repetitions.flatMap((r) => r.steps.filter((step) => step.index === index));
    if (steps.length === 0) return;
    const verdicts: Record<SweepStepVerdict, number> = { ok: 0, knee: 0, inconclusive: 0 };
    for (const step of steps) verdicts[step.verdict]++;
    const worst = steps.reduce((a, b) => (SEVERITY[b.verdict] > SEVERITY[a.verdict] ? b : a));
    const of = (pick: (step: SweepStep) => number): Estimate => estimate(steps.map(pick));
    const brokers = steps.flatMap((step) => (step.broker ? [step.broker] : []));
    summaries.push({
      offeredRate,
      reached: steps.length,
      verdicts,
      verdict: worst.verdict,
      ...(worst.reason !== undefined && { reason: worst.reason }),
      deliveredRate: of((step) => step.deliveredRate),
      p50Us: of((step) => step.latencyUs.p50),
      p99Us: of((step) => step.latencyUs.p99),
      p999Us: of((step) => step.latencyUs.p999),
      drops: of((step) => step.drops),
      latencySamples: Math.min(...steps.map((step) => step.latencySamples)),
      ...(brokers.length === steps.length && {
        brokerCpuPercent: estimate(brokers.map((b) => b.cpuPercent)),
        brokerRssBytes: estimate(brokers.map((b) => b.rssBytes)),
        brokerSource: brokers[0]!.source,
      }),
    });
  });
  return summaries;
}

/** The cell-level figures of a SweepResult from its repetitions. */
export function summarizeSweep(
  rates: readonly number[],
  repetitions: readonly SweepRepetition[],
): Pick<SweepResult, 'steps' | 'maxSustainableRate' | 'bound' | 'verdict' | 'reason'> {
  const bounds = repetitions.map((r) => r.bound);
  const counts = new Map<SweepBound, number>();
  for (const bound of bounds) counts.set(bound, (counts.get(bound) ?? 0) + 1);
  const bound = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'last-rate';
  const stopped = repetitions.filter((r) => r.bound === 'generator');
  const firstInconclusive = stopped
    .flatMap((r) => r.steps.filter((step) => step.verdict === 'inconclusive'))
    .find((step) => step.reason !== undefined);
  const summary: ReturnType<typeof summarizeSweep> = {
    steps: summarizeSteps(rates, repetitions),
    maxSustainableRate: estimate(repetitions.map((r) => r.maxSustainableRate)),
    bound,
    verdict: stopped.length === 0 && repetitions.length > 0 ? 'passed' : 'inconclusive',
  };
  if (repetitions.length === 0) summary.reason = 'no repetition ran';
  else if (stopped.length > 0)
    summary.reason =
      `${stopped.length} of ${repetitions.length} repetitions stopped on an inconclusive step` +
      (firstInconclusive?.reason === undefined ? '' : ` (${firstInconclusive.reason})`);
  return summary;
}

/** A ranking claim: `higher` sustains a significantly higher rate than `lower`. */
export interface OrderClaim {
  higher: string;
  lower: string;
}

/** One target's climbs: each repetition's maximum sustainable rate and what stopped it. */
export interface RankedCell {
  target: string;
  repetitions: ReadonlyArray<Pick<SweepRepetition, 'maxSustainableRate' | 'bound'>>;
}

/**
 * Whether `higher` sustains a significantly higher rate than `lower`. A climb that stopped on an
 * inconclusive step ('generator') or ran out of rates ('last-rate') gives a lower bound, not a
 * measurement: it may stand for the higher side of a claim (the target sustained at least that) but
 * never for the lower side, which uses only the climbs that found their knee (two at least). Without
 * that, three climbs the machine cut short would "prove" a broker slower than it is, with zero
 * variance. The test itself is judgeDifference's.
 */
export function sustainsMore(higher: RankedCell, lower: RankedCell): boolean {
  const up = higher.repetitions.map((r) => r.maxSustainableRate);
  const down = lower.repetitions.filter((r) => r.bound === 'knee').map((r) => r.maxSustainableRate);
  if (up.length === 0 || down.length < 2) return false;
  const [u, d] = [estimate(up), estimate(down)];
  return (
    u.mean > d.mean &&
    judgeDifference({ mean: d.mean, values: down }, { mean: u.mean, values: up }).significant
  );
}

/** `other` against `baseline` by maximum sustainable rate: Δ % of the means over all climbs, and the ranking's verdict. */
export function compareSustainable(
  baseline: RankedCell,
  other: RankedCell,
): { deltaPercent: number | undefined; order: 'higher' | 'lower' | 'not significant' } {
  const mean = (cell: RankedCell) => estimate(cell.repetitions.map((r) => r.maxSustainableRate)).mean;
  const [b, o] = [mean(baseline), mean(other)];
  const deltaPercent = b === 0 ? undefined : ((o - b) / b) * 100;
  const order = sustainsMore(other, baseline)
    ? 'higher'
    : sustainsMore(baseline, other)
      ? 'lower'
      : 'not significant';
  return { deltaPercent, order };
}

/**
 * The pairs of targets whose maximum sustainable rates differ significantly (sustainsMore), the
 * higher first, in a stable order. Pairs not significant make no claim: two runs of the same cells
 * must never claim opposite orders.
 */
export function significantOrder(cells: readonly RankedCell[]): OrderClaim[] {
  const claims: OrderClaim[] = [];
  for (const higher of cells)
    for (const lower of cells)
      if (higher.target !== lower.target && sustainsMore(higher, lower))
        claims.push({ higher: higher.target, lower: lower.target });
  return claims.sort((x, y) => `${x.higher} ${x.lower}`.localeCompare(`${y.higher} ${y.lower}`));
}

/** Claims of `a` that `b` reverses (each pair once): empty when the two orders agree. */
export function orderConflicts(a: readonly OrderClaim[], b: readonly OrderClaim[]): OrderClaim[] {
  return a.filter((claim) => b.some((other) => other.higher === claim.lower && other.lower === claim.higher));
}
