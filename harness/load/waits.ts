// How a worker waits: sleepUntil (a promise, millisecond timers: setup, holds, drains) and wakeAt
// (the send schedule's wake-ups, on the precise timer). An abort wakes every waiter at once.
import { nowMs } from './clock.js';
import { createTimer, type PreciseTimer, type TimerChoice, type TimerKind } from './precise-timer.js';

export class Waits {
  private readonly sleepers = new Set<() => void>();
  private timer: PreciseTimer | undefined;
  private wake: (() => void) | undefined;
  private aborted = false;
  private used = false;
  private readonly fire = (): void => {
    const callback = this.wake;
    this.wake = undefined;
    callback?.();
  };

  constructor(private readonly choice: TimerChoice) {}

  /** Create the precise timer now (the wait-thread timer starts a thread: not in the hot path). */
  prepare(): TimerKind {
    return this.ensureTimer().kind;
  }

  /** The means wakeAt woke by; undefined when nothing called it (closed models, storms). */
  get usedKind(): TimerKind | undefined {
    return this.used ? this.timer?.kind : undefined;
  }

  /** Resolves at epoch ms `atMs` (millisecond precision) or when the run is aborted. */
  sleepUntil(atMs: number): Promise<void> {
    const wait = atMs - nowMs();
    if (wait <= 0 || this.aborted) return Promise.resolve();
    // No abort listener per sleep (EventTarget calls are costly at thousands of ticks per second):
    // abort() wakes every sleeper through this set.
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, wait);
      this.sleepers.add(wake);
    });
  }

  /**
   * Calls `callback` once at epoch ms `atMs` on the precise timer, or at once (never synchronously)
   * when aborted. One wake-up is pending at a time: a new call replaces the previous one.
   */
  wakeAt(atMs: number, callback: () => void): void {
    if (this.aborted) {
      setImmediate(callback);
      return;
    }
    this.wake = callback;
    this.used = true;
    this.ensureTimer().arm(atMs);
  }

  abort(): void {
    this.aborted = true;
    for (const wake of [...this.sleepers]) wake();
    if (this.wake !== undefined) {
      this.timer?.disarm();
      setImmediate(this.fire);
    }
  }

  close(): void {
    this.timer?.close();
    this.timer = undefined;
  }

  private ensureTimer(): PreciseTimer {
    const timer = this.timer ?? createTimer(this.choice, this.fire);
    this.timer = timer;
    return timer;
  }
}
