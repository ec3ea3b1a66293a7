// HDR histograms in microseconds. Encoded with the HdrHistogram compressed base64 format so that
// histograms from worker threads, processes and machines merge exactly (decode and add).
import * as hdr from 'hdr-histogram-js';
import type { EncodedHistogram, Percentiles } from '../result/model.js';

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

/** Record a latency in µs (fractions rounded; below 1 µs counts as 1 µs, above the top clamps). */
export function recordUs(histogram: Histogram, us: number): void {
  const value = us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : Math.round(us);
  histogram.recordValue(value);
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
