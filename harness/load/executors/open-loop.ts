// The open-model driver shared by the arrival-rate executors: message n of the whole run is due at
// schedule.timeOf(n) on an absolute clock and goes to publisher n mod P. A worker sends the
// messages of its own publishers; a message it cannot send on time is dropped and counted, never
// queued, and latency is measured from the intended time, so stalls show (no coordinated omission).
//
// Batches are cut by due time, not by a tick: the worker sleeps on the precise timer until the next
// message is due, sends everything due by then, and sleeps again. With a millisecond tick every
// message waited for the next tick (up to 1 ms, and the timer's own rounding on top), and since
// latency counts from the intended time, that wait was measured as broker latency. `tick` > 0
// still coalesces wake-ups (at most one per tick) for runs that prefer less CPU to punctuality.
import { nowMs } from '../clock.js';
import type { ExecutorContext } from './types.js';

export interface Schedule {
  /** Messages in the whole run. */
  total: number;
  /** Offset in ms from the start at which message n is due. */
  timeOf(n: number): number;
}

/** Messages encoded before their connections are written (so a message leaves soon after its stamp). */
const FLUSH_EVERY = 32;
/** Longest stretch of sending before yielding to I/O (acks and deliveries keep flowing). */
const MAX_BATCH_MS = 2;

export function runOpenLoop(context: ExecutorContext, schedule: Schedule, tickMs: number): Promise<void> {
  const { publishers, totalPublishers, startMs, signal } = context;
  if (publishers.length === 0 || totalPublishers === 0 || schedule.total === 0) return Promise.resolve();
  let round = 0; // n = round * totalPublishers + publishers[position].index
  let position = 0;
  const next = (): number => round * totalPublishers + publishers[position]!.index;
  // Driven by timer callbacks, not an async loop: one wake-up per due time without a promise each.
  return new Promise<void>((resolve, reject) => {
    const wake = (): void => {
      try {
        if (signal.aborted) return resolve();
        const batchStart = nowMs();
        let elapsed = batchStart - startMs;
        let unflushed = 0;
        let n = next();
        while (n < schedule.total) {
          const due = schedule.timeOf(n);
          if (due > elapsed) break;
          context.addIntended(1);
          context.publish(publishers[position]!, startMs + due);
          position++;
          if (position === publishers.length) {
            position = 0;
            round++;
          }
          n = next();
          if (++unflushed === FLUSH_EVERY) {
            context.flush();
            unflushed = 0;
            const now = nowMs();
            if (now - batchStart > MAX_BATCH_MS) {
              setImmediate(wake);
              return;
            }
            elapsed = now - startMs;
          }
        }
        context.flush();
        if (n >= schedule.total) return resolve();
        context.wakeAt(startMs + Math.max(schedule.timeOf(n), elapsed + tickMs), wake);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    wake();
  });
}
