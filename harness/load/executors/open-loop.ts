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
//
// One driver per set of publishers (a worker's), reused by every run on them: the warm-up's runs and
// the measured one call the very same wake-up function, schedule method and executor functions.
// A function created per run (a closure, a promise's resolve called from the send path) was a new
// call target at each run's start, which threw V8's optimized send path away at the measured start
// and had it compiled again inside the measured window (docs/load.md, Accuracy).
import { nowMs } from '../clock.js';
import type { ExecutorContext, PublisherHandle } from './types.js';

export interface Schedule {
  /** Messages in the whole run. */
  total: number;
  /** Offset in ms from the start at which message n is due. */
  timeOf(n: number): number;
}

/** A constant rate: message n is due at n / rate seconds (a class: one timeOf for every run). */
export class ConstantRateSchedule implements Schedule {
  constructor(
    readonly total: number,
    private readonly rate: number,
  ) {}

  timeOf(n: number): number {
    return (n * 1000) / this.rate;
  }
}

/** Messages encoded before their connections are written (so a message leaves soon after its stamp). */
const FLUSH_EVERY = 32;
/** Longest stretch of sending before yielding to I/O (acks and deliveries keep flowing). */
const MAX_BATCH_MS = 2;

const drivers = new WeakMap<readonly PublisherHandle[], OpenLoop>();

export function runOpenLoop(context: ExecutorContext, schedule: Schedule, tickMs: number): Promise<void> {
  const { publishers, totalPublishers } = context;
  if (publishers.length === 0 || totalPublishers === 0 || schedule.total === 0) return Promise.resolve();
  let driver = drivers.get(publishers);
  if (driver === undefined || driver.running) {
    driver = new OpenLoop();
    drivers.set(publishers, driver);
  }
  return driver.run(context, schedule, tickMs);
}

/** The send loop of one set of publishers; run() once at a time, as often as needed. */
class OpenLoop {
  running = false;
  private context: ExecutorContext | undefined;
  private schedule: Schedule = new ConstantRateSchedule(0, 1);
  private tickMs = 0;
  /** n = round * totalPublishers + publishers[position].index */
  private round = 0;
  private position = 0;
  private settle: { resolve(): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;
  /** Driven by timer callbacks, not an async loop: one wake-up per due time without a promise each. */
  private readonly wake = (): void => this.step();
  /**
   * Settles the run's promise on the next turn. The send path never calls a promise's resolve
   * itself: each run has a new one, and a call site that meets a new target loses its optimized code.
   */
  private readonly done = (): void => {
    const settle = this.settle;
    const failure = this.failure;
    this.settle = undefined;
    this.failure = undefined;
    this.context = undefined;
    this.running = false;
    if (failure === undefined) settle?.resolve();
    else settle?.reject(failure);
  };

  run(context: ExecutorContext, schedule: Schedule, tickMs: number): Promise<void> {
    this.running = true;
    this.context = context;
    this.schedule = schedule;
    this.tickMs = tickMs;
    this.round = 0;
    this.position = 0;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.wake();
    });
  }

  private step(): void {
    const context = this.context;
    if (context === undefined) return;
    try {
      const { publishers, totalPublishers, startMs } = context;
      const schedule = this.schedule;
      if (context.signal.aborted) {
        setImmediate(this.done);
        return;
      }
      const batchStart = nowMs();
      let elapsed = batchStart - startMs;
      let unflushed = 0;
      let position = this.position;
      let round = this.round;
      let n = round * totalPublishers + publishers[position]!.index;
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
        n = round * totalPublishers + publishers[position]!.index;
        if (++unflushed === FLUSH_EVERY) {
          context.flush();
          unflushed = 0;
          const now = nowMs();
          if (now - batchStart > MAX_BATCH_MS) {
            this.position = position;
            this.round = round;
            setImmediate(this.wake);
            return;
          }
          elapsed = now - startMs;
        }
      }
      this.position = position;
      this.round = round;
      context.flush();
      if (n >= schedule.total) {
        setImmediate(this.done);
        return;
      }
      context.wakeAt(startMs + Math.max(schedule.timeOf(n), elapsed + this.tickMs), this.wake);
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      setImmediate(this.done);
    }
  }
}
