// Confidence intervals for the comparative views (95 %, two-sided). Two sources of uncertainty:
// - repetitions of a cell: Student's t interval of the mean of the repetitions' values (catches
//   drift between runs on a shared machine);
// - one run only: for a latency percentile, the distribution-free interval of a quantile from its
//   order statistics (ranks nq ± 1.96·√(nq(1−q)) of the n samples, read off the HDR histogram);
//   for a rate, the t interval over the run's 1 s intervals.
// Whether two values differ is not decided here: judgeDifference (result/sweep-stats.ts) is the one
// decision, for these views and the ranking of targets alike; Student's t comes from there too.
import * as hdr from 'hdr-histogram-js';
import { tCritical95, type EncodedHistogram } from '../../../result/index.js';

export interface Estimate {
  value: number;
  /** 95 % confidence interval, when one can be given. */
  ci?: { low: number; high: number };
  /** How the interval was computed: 't' over repetitions or intervals, 'order' statistics of one run. */
  method?: 'repetitions' | 'intervals' | 'order-statistics';
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Mean and its t interval; no interval below two values. */
export function meanEstimate(values: readonly number[], method: Estimate['method']): Estimate {
  const m = mean(values);
  if (values.length < 2) return { value: m };
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  const half = tCritical95(values.length - 1) * Math.sqrt(variance / values.length);
  return { value: m, ci: { low: m - half, high: m + half }, ...(method ? { method } : {}) };
}

/** Ranks (1-based) bounding the q-quantile of n samples at 95 %, by the normal approximation to the binomial. */
export function quantileRanks(n: number, q: number): { low: number; high: number } {
  const center = n * q;
  const spread = 1.96 * Math.sqrt(n * q * (1 - q));
  return {
    low: Math.max(1, Math.floor(center - spread)),
    high: Math.min(n, Math.ceil(center + spread) + 1),
  };
}

/** A decoded histogram's percentile lookups; undefined when it cannot be decoded or is empty. */
export interface QuantileReader {
  count: number;
  /** Value at percentile p (0..100). */
  at(percentile: number): number;
  /** The order-statistics interval of the q-quantile (0..1). */
  interval(q: number): { low: number; high: number };
}

export function readHistogram(encoded: EncodedHistogram | undefined): QuantileReader | undefined {
  if (!encoded) return undefined;
  let histogram: hdr.Histogram;
  try {
    histogram = hdr.decodeFromCompressedBase64(encoded.encoded);
  } catch {
    return undefined;
  }
  try {
    const count = histogram.totalCount;
    if (count === 0) return undefined;
    // Read what the views need now: the histogram is WebAssembly or native memory, freed below.
    const cache = new Map<number, number>();
    const at = (p: number): number => {
      let v = cache.get(p);
      if (v === undefined) cache.set(p, (v = histogram.getValueAtPercentile(p)));
      return v;
    };
    const quantiles = [0.5, 0.9, 0.99, 0.999];
    const intervals = new Map<number, { low: number; high: number }>();
    for (const q of quantiles) {
      const ranks = quantileRanks(count, q);
      intervals.set(q, { low: at((100 * ranks.low) / count), high: at((100 * ranks.high) / count) });
    }
    const values = new Map(quantiles.map((q) => [q * 100, at(q * 100)]));
    return {
      count,
      at: (p) => values.get(p) ?? NaN,
      interval: (q) => intervals.get(q) ?? { low: NaN, high: NaN },
    };
  } finally {
    histogram.destroy();
  }
}
