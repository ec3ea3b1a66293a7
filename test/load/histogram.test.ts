import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  HIGHEST_US,
  histogramFromBuckets,
  Recorder,
  recordUs,
} from '../../harness/load/histogram.js';

describe('recordUs', () => {
  it('recordUs and Recorder fill the same buckets, count, min and max as recordValue', () => {
    const edges = [
      1,
      2,
      1023,
      1024,
      2047,
      2048,
      2049,
      4095,
      4096,
      65535,
      65536,
      2 ** 31 - 1,
      2 ** 31,
      HIGHEST_US,
    ];
    const value = fc.oneof(
      fc.integer({ min: 1, max: HIGHEST_US }),
      fc.integer({ min: 1, max: 100_000 }),
      fc.constantFrom(...edges),
      fc.double({ min: -10, max: HIGHEST_US * 2, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), (values) => {
        const fast = createHistogram();
        const recorder = new Recorder();
        recorder.record(12_345); // then reset: a reused interval recorder
        recorder.reset();
        const reference = createHistogram();
        for (const us of values) {
          recordUs(fast, us);
          recorder.record(us);
          reference.recordValue(us < 1 ? 1 : us > HIGHEST_US ? HIGHEST_US : Math.round(us));
        }
        for (const histogram of [fast, recorder.histogram, recorder.histogram]) {
          expect(histogram.totalCount).toBe(reference.totalCount);
          expect(histogram.minNonZeroValue).toBe(reference.minNonZeroValue);
          expect(histogram.maxValue).toBe(reference.maxValue);
          expect(histogram.mean).toBe(reference.mean);
          expect(histogram.getValueAtPercentile(99)).toBe(reference.getValueAtPercentile(99));
          expect(encodeHistogram(histogram).encoded).toBe(encodeHistogram(reference).encoded);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an empty or reset Recorder reads as a fresh histogram', () => {
    const recorder = new Recorder();
    const fresh = encodeHistogram(createHistogram()).encoded;
    expect(encodeHistogram(recorder.histogram).encoded).toBe(fresh);
    recorder.record(5);
    recorder.reset();
    expect(recorder.histogram.totalCount).toBe(0);
    expect(recorder.histogram.maxValue).toBe(0);
    expect(encodeHistogram(recorder.histogram).encoded).toBe(fresh);
  });
});

describe('interval buckets', () => {
  it('drainBuckets → histogramFromBuckets gives the histogram back, and leaves the recorder empty', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: HIGHEST_US }), { maxLength: 300 }), (values) => {
        const recorder = new Recorder();
        const reference = createHistogram();
        for (const us of values) {
          recorder.record(us);
          reference.recordValue(us);
        }
        const rebuilt = histogramFromBuckets(recorder.drainBuckets());
        expect(rebuilt.totalCount).toBe(reference.totalCount);
        expect(encodeHistogram(rebuilt).encoded).toBe(
          encodeHistogram(decodeHistogram(encodeHistogram(reference))).encoded,
        );
        for (const p of [0, 50, 99, 99.9, 100])
          expect(rebuilt.getValueAtPercentile(p)).toBe(reference.getValueAtPercentile(p));
        expect(recorder.histogram.totalCount).toBe(0);
        expect(recorder.drainBuckets()).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
