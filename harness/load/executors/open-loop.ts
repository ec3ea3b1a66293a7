// The open-model driver shared by the arrival-rate executors: message n of the whole run is due at
// schedule.timeOf(n) on an absolute clock and goes to publisher n mod P. A worker sends the
// messages of its own publishers; a message it cannot send on time is dropped and counted, never
// queued, and latency is measured from the intended time, so stalls show (no coordinated omission).
import { nowMs } from '../clock.js';
import { durationMs } from '../duration.js';
import type { ExecutorContext } from './types.js';

export interface Schedule {
  /** Messages in the whole run. */
  total: number;
  /** Offset in ms from the start at which message n is due. */
  timeOf(n: number): number;
}

/** Messages sent per tick before yielding to I/O (acks and deliveries keep flowing). */
const BATCH = 2000;

export function runOpenLoop(context: ExecutorContext, schedule: Schedule): Promise<void> {
  const { publishers, totalPublishers, startMs, signal } = context;
  if (publishers.length === 0 || totalPublishers === 0 || schedule.total === 0) return Promise.resolve();
  const tickMs = durationMs(context.section.tick, 1);
  let round = 0; // n = round * totalPublishers + publishers[position].index
  let position = 0;
  const next = (): number => round * totalPublishers + publishers[position]!.index;
  // Driven by timer callbacks, not an async loop: one wake-up per tick without a promise each.
  return new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      try {
        if (signal.aborted) return resolve();
        const elapsed = nowMs() - startMs;
        let batch = 0;
        let n = next();
        while (n < schedule.total && batch < BATCH) {
          const due = schedule.timeOf(n);
          if (due > elapsed) break;
          context.addIntended(1);
          context.publish(publishers[position]!, startMs + due);
          batch++;
          position++;
          if (position === publishers.length) {
            position = 0;
            round++;
          }
          n = next();
        }
        context.flush();
        if (n >= schedule.total) return resolve();
        if (batch === BATCH) setImmediate(tick);
        else context.wakeAt(startMs + Math.max(schedule.timeOf(n), elapsed + tickMs), tick);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    tick();
  });
}
