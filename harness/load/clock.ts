// One clock for every thread and process: epoch milliseconds with sub-millisecond resolution.
// performance.timeOrigin is per thread, so timeOrigin + now() agrees across worker threads and,
// with synchronized system clocks, across machines (the payload carries this value).
import { performance } from 'node:perf_hooks';
import { EVENT_LOOP_SAMPLING_MS } from '../result/index.js';

const origin = performance.timeOrigin;

export function nowMs(): number {
  return origin + performance.now();
}

/** The event-loop delay monitor's sampling period, ms: its figures include it (an idle loop shows ≈ this). */
export const LAG_RESOLUTION_MS = EVENT_LOOP_SAMPLING_MS;
