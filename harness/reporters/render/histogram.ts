// Decoding the encoded HDR histograms of a LoadResult into the points of a percentile curve
// (HDR style: x = -log10(1 - p), so 90% → 1, 99% → 2, 99.9% → 3, 99.999% → 5).
import * as hdr from 'hdr-histogram-js';
import type { EncodedHistogram } from '../../result/index.js';

export interface PercentilePoint {
  percentile: number; // 0..100
  x: number; // -log10(1 - percentile / 100)
  valueUs: number;
}

export const MAX_NINES = 5; // 99.999

/** The curve of a histogram, or undefined when it cannot be decoded or is empty. */
export function percentileCurve(encoded: EncodedHistogram, step = 0.05): PercentilePoint[] | undefined {
  let histogram: hdr.Histogram;
  try {
    histogram = hdr.decodeFromCompressedBase64(encoded.encoded);
  } catch {
    return undefined;
  }
  try {
    const count = histogram.totalCount;
    if (count === 0) return undefined;
    // Beyond 1/count the curve is flat at the maximum: stop one step after it.
    const lastX = Math.min(MAX_NINES, Math.log10(count) + step);
    const points: PercentilePoint[] = [];
    for (let x = 0; x <= lastX + 1e-9; x += step) {
      const percentile = 100 * (1 - Math.pow(10, -x));
      points.push({ percentile, x, valueUs: histogram.getValueAtPercentile(percentile) });
    }
    return points;
  } finally {
    histogram.destroy();
  }
}

export function percentileLabel(x: number): string {
  if (x === 0) return '0%';
  const p = 100 * (1 - Math.pow(10, -x));
  return `${Number(p.toFixed(Math.max(0, Math.round(x) - 2)))}%`;
}
