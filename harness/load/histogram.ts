// HDR histograms in microseconds. Encoded with the HdrHistogram compressed base64 format so that
// histograms from worker threads, processes and machines merge exactly (decode and add).
import * as hdr from 'hdr-histogram-js';
import type { EncodedHistogram, Percentiles } from '../result/index.js';

export type Histogram = hdr.Histogram;

const LOWEST_US = 1;
/** One hour in µs: anything slower is clamped (and still counted). */
export const HIGHEST_US = 3_600_000_000;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** The fields of hdr-histogram-js's JsHistogram we use (set in its constructor; valueFromIndex a method). */
interface JsHistogramInternals {
  _counts: Uint32Array;
  _totalCount: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  unitMagnitude: number;
  updateMinAndMax(value: number): void;
  valueFromIndex(index: number): number;
}

function clampUs(us: number): number {
  return us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : Math.round(us);
}

/**
 * The counts-array index recordValue uses for `value`, without its Math.pow/log2 calls: our values
 * are integers in [1, 2^32), where floor(log2(v)) is 31 - clz32(v) and shifts are exact.
 */
function countsIndex(value: number, magnitude: number, unit: number, halfCount: number): number {
  const log2 = 31 - Math.clz32(value);
  const bucket = log2 - magnitude - unit > 0 ? log2 - magnitude - unit : 0;
  return ((bucket + 1) << magnitude) + (value >>> (bucket + unit)) - halfCount;
}

/**
 * Record a latency in µs (fractions rounded; below 1 µs counts as 1 µs, above the top clamps).
 * Same result as recordValue (test/load/histogram.test.ts).
 */
export function recordUs(histogram: Histogram, us: number): void {
  const value = clampUs(us);
  const internal = histogram as unknown as JsHistogramInternals;
  internal._counts[
    countsIndex(
      value,
      internal.subBucketHalfCountMagnitude,
      internal.unitMagnitude,
      internal.subBucketHalfCount,
    )
  ]!++;
  internal.updateMinAndMax(value);
  internal._totalCount++;
}

const NO_MIN = HIGHEST_US + 1;

/**
 * A hot-path histogram: record() counts straight into the HDR histogram's counts array and keeps
 * total, min and max in its own fields, copied into the histogram when it is read. Optimized code
 * that records then depends only on this class, not on hdr-histogram-js object layouts (which
 * change when histograms are decoded and merged at the end of a run, and would throw the
 * publish/receive path back to unoptimized code at the start of the next one).
 */
export class Recorder {
  private readonly target = createHistogram();
  private readonly counts: Uint32Array;
  private readonly magnitude: number;
  private readonly unit: number;
  private readonly halfCount: number;
  private total = 0;
  private min = NO_MIN;
  private max = 0;

  constructor() {
    const internal = this.target as unknown as JsHistogramInternals;
    this.counts = internal._counts;
    this.magnitude = internal.subBucketHalfCountMagnitude;
    this.unit = internal.unitMagnitude;
    this.halfCount = internal.subBucketHalfCount;
  }

  /** Same as recordUs on the histogram. */
  record(us: number): void {
    const value = clampUs(us);
    this.counts[countsIndex(value, this.magnitude, this.unit, this.halfCount)]!++;
    this.total++;
    // Both stores on every call (no rarely taken branch: see Measurements.recordSent).
    this.max = value > this.max ? value : this.max;
    this.min = value < this.min ? value : this.min;
  }

  /** The HDR histogram of everything recorded since creation or the last reset. */
  get histogram(): Histogram {
    const internal = this.target as unknown as JsHistogramInternals;
    internal._totalCount = this.total;
    if (this.total > 0) {
      internal.updateMinAndMax(this.max);
      internal.updateMinAndMax(this.min);
    }
    return this.target;
  }

  reset(): void {
    this.target.reset();
    this.total = 0;
    this.min = NO_MIN;
    this.max = 0;
  }

  /**
   * The non-empty buckets as [index, count, index, count, ...], then reset: what a worker sends for
   * each 1 s interval. Encoding the HDR format (deflate) takes 0.3–3 ms, a pause in the thread that
   * also times sends and deliveries; a scan of the counts takes tens of µs. The engine rebuilds the
   * histogram with histogramFromBuckets.
   */
  drainBuckets(): number[] {
    const buckets: number[] = [];
    const counts = this.counts;
    if (this.total > 0)
      for (let index = 0; index < counts.length; index++) {
        const count = counts[index]!;
        if (count === 0) continue;
        buckets.push(index, count);
        counts[index] = 0;
      }
    this.target.reset();
    this.total = 0;
    this.min = NO_MIN;
    this.max = 0;
    return buckets;
  }
}

/** The histogram drainBuckets described (same buckets, so merging and percentiles are exact). */
export function histogramFromBuckets(buckets: readonly number[]): Histogram {
  const histogram = createHistogram();
  const internal = histogram as unknown as JsHistogramInternals;
  for (let at = 0; at + 1 < buckets.length; at += 2)
    histogram.recordValueWithCount(internal.valueFromIndex(buckets[at]!), buckets[at + 1]!);
  return histogram;
}

export function encodeHistogram(histogram: Histogram): EncodedHistogram {
  return { encoded: hdr.encodeIntoCompressedBase64(histogram), unit: 'us' };
}

export function decodeHistogram(encoded: EncodedHistogram | string): Histogram {
  const text = typeof encoded === 'string' ? encoded : encoded.encoded;
  const decoded = hdr.decodeFromCompressedBase64(text, 32, false);
  // Re-home into a histogram with our fixed range so adds never overflow.
  const target = createHistogram();
  target.add(decoded);
  return target;
}

/** Decode and add; the result is exact (same buckets), whatever process recorded each part. */
export function mergeEncoded(parts: readonly (EncodedHistogram | string | undefined)[]): Histogram {
  const total = createHistogram();
  for (const part of parts) if (part !== undefined) total.add(decodeHistogram(part));
  return total;
}

export function percentiles(histogram: Histogram): Percentiles {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count,
    min: histogram.minNonZeroValue,
    mean: round(histogram.mean),
    stddev: round(histogram.stdDeviation),
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
