// Per-second load intervals as rates. The last interval of a run is cut short where the run ended
// (the drain of deliveries still on their way): a rate over a few milliseconds says little, so
// rate charts and comparisons leave out intervals shorter than half a second. Results keep them.
import type { LoadInterval } from './model.js';

export const MIN_RATE_INTERVAL_MS = 500;

/** Intervals long enough to give a delivery rate. */
export function rateIntervals(intervals: readonly LoadInterval[]): LoadInterval[] {
  return intervals.filter((interval) => interval.durationMs >= MIN_RATE_INTERVAL_MS);
}

/** Deliveries per second over the interval's own duration. */
export function deliveredPerSecond(interval: LoadInterval): number {
  return interval.received / (interval.durationMs / 1000);
}
