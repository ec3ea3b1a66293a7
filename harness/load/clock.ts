// One clock for every thread and process: epoch milliseconds with sub-millisecond resolution.
// performance.timeOrigin is per thread, so timeOrigin + now() agrees across worker threads and,
// with synchronized system clocks, across machines (the payload carries this value).
import { performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;

export function nowMs(): number {
  return origin + performance.now();
}
