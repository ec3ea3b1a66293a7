// Figures of the load generator read the same way by the engine, the verdict and every reporter.
import type { LoadResult } from './model.js';

/**
 * The event-loop delay monitor's sampling period, ms. The monitor times the gap between its own
 * timer's wake-ups, so its raw figures (LoadResult.generator.eventLoopLagP99Ms) include this period:
 * an idle loop reads ≈ 10 ms. The delay is what lies beyond it.
 */
export const EVENT_LOOP_SAMPLING_MS = 10;

/**
 * The generator's event-loop delay p99 beyond the monitor's sampling period, ms: the figure every
 * reporter shows as "event-loop delay". Results written before `eventLoopDelayP99Ms` existed get it
 * from the raw figure.
 */
export function eventLoopDelayP99Ms(generator: LoadResult['generator']): number {
  if (generator.eventLoopDelayP99Ms !== undefined) return generator.eventLoopDelayP99Ms;
  return Math.round(Math.max(0, generator.eventLoopLagP99Ms - EVENT_LOOP_SAMPLING_MS) * 100) / 100;
}
