// What one worker measures: counts, and HDR histograms (µs) of latency from the intended send time,
// service time from the actual send, the generator's own send lateness, the PUBACK/PUBCOMP round
// trip, connect time, and the current 1 s interval. The record* methods are the hot path.
//
// A worker keeps two of these, one for the warm-up and one for the measured schedule, and sends and
// receives through the very same code in both phases, only into the other instance. That is what
// the warm-up is for: V8 optimizes the hot path on what it saw run. When the measured phase took
// branches the warm-up never took (recordSent, the measured side of a delivery, other closures),
// the optimized code was thrown away at the measured start and compiled again, twice, inside the
// measured window (`--trace-opt --trace-deopt`, docs/load.md, Accuracy): unoptimized sends and a
// compiler thread competing with the broker for the 2 cores made the latency p99.
import { nowMs } from './clock.js';
import { createHistogram, encodeHistogram, Recorder, recordUs } from './histogram.js';
import type { IntervalMessage, WorkerReport } from './protocol.js';

/**
 * A send this late (ms) counts as late in its interval (IntervalMessage.late). The same bound as the
 * whole run's generator.saturated (send lateness p99 above it): a second in which more than 1 % of
 * the sends were this late is a second in which the generator missed its schedule.
 */
export const LATE_SEND_MS = 50;

export class Measurements {
  readonly latency = new Recorder();
  readonly service = new Recorder();
  readonly lateness = new Recorder();
  readonly ack = new Recorder();
  readonly connect = createHistogram();
  private readonly interval = new Recorder();
  readonly counts = { intended: 0, sent: 0, dropped: 0, received: 0, foreign: 0, errors: 0 };
  private readonly intervalCounts = { sent: 0, received: 0, errors: 0, late: 0 };
  private intervalIndex = 0;
  /**
   * maxLatenessMs, firstSendMs, lastSendMs, lastReceiveMs. Epoch milliseconds are doubles: as object
   * fields initialized to 0 (a small integer) their first double changed the object's layout, which
   * threw away the optimized code that used it (a deopt in the middle of the run).
   */
  private readonly times = new Float64Array(4);

  get maxLatenessMs(): number {
    return this.times[0]!;
  }

  get firstSendMs(): number {
    return this.times[1]!;
  }

  get lastSendMs(): number {
    return this.times[2]!;
  }

  get lastReceiveMs(): number {
    return this.times[3]!;
  }

  /** A message left at `atMs`, `latenessMs` after it was due. */
  recordSent(atMs: number, latenessMs: number): void {
    this.counts.sent++;
    this.intervalCounts.sent++;
    // Stores on every call, no branch taken only now and then: a branch the warm-up rarely or only
    // once took (the first send, a new maximum) has no type feedback when V8 optimizes this, and
    // taking it in the measured phase throws the optimized code away (a deopt mid-run).
    this.intervalCounts.late += latenessMs > LATE_SEND_MS ? 1 : 0;
    const times = this.times;
    times[0] = Math.max(times[0]!, latenessMs);
    this.lateness.record(latenessMs * 1000);
    times[1] = times[1] === 0 ? atMs : times[1]!;
    times[2] = atMs;
  }

  /** A message arrived at `atMs`; it was due at `intendedMs` and left `latenessUs` later. */
  recordDelivery(atMs: number, intendedMs: number, latenessUs: number): void {
    const us = (atMs - intendedMs) * 1000;
    this.latency.record(us);
    this.service.record(us - latenessUs);
    this.interval.record(us);
    this.counts.received++;
    this.intervalCounts.received++;
    this.times[3] = atMs;
  }

  /** connection-storm: one connection attempted (its "send"). */
  recordAttempt(): void {
    this.counts.sent++;
    this.intervalCounts.sent++;
    const now = nowMs();
    if (this.times[1] === 0) this.times[1] = now;
    this.times[2] = now;
  }

  /** connection-storm: one connection established `us` after it was due (its "delivery"). */
  recordConnected(us: number): void {
    this.counts.received++;
    this.intervalCounts.received++;
    this.latency.record(us);
    this.interval.record(us);
  }

  recordConnectTime(us: number): void {
    recordUs(this.connect, us);
  }

  recordError(): void {
    this.counts.errors++;
    this.intervalCounts.errors++;
  }

  /** Close the current interval: its message for the engine; counters reset in place. */
  closeInterval(startMs: number, final: boolean): IntervalMessage {
    const message: IntervalMessage = {
      type: 'interval',
      index: this.intervalIndex,
      endMs: nowMs() - startMs,
      final,
      ...this.intervalCounts,
      buckets: this.interval.drainBuckets(),
    };
    this.intervalIndex++;
    // Reset in place: replacing the objects would invalidate optimized hot-path code once a second.
    this.intervalCounts.sent = 0;
    this.intervalCounts.received = 0;
    this.intervalCounts.errors = 0;
    this.intervalCounts.late = 0;
    return message;
  }

  get nextIntervalIndex(): number {
    return this.intervalIndex;
  }

  /** The measurement part of the worker's final report; `warm` is the warm-up's instance. */
  report(
    warm: Measurements,
  ): Pick<
    WorkerReport,
    | 'intended'
    | 'sent'
    | 'dropped'
    | 'received'
    | 'foreign'
    | 'errors'
    | 'latency'
    | 'service'
    | 'ack'
    | 'connect'
    | 'lateness'
    | 'scheduleOverrunMs'
    | 'firstSendMs'
    | 'lastSendMs'
    | 'warmup'
  > {
    return {
      ...this.counts,
      latency: encodeHistogram(this.latency.histogram).encoded,
      service: encodeHistogram(this.service.histogram).encoded,
      ack: encodeHistogram(this.ack.histogram).encoded,
      connect: encodeHistogram(this.connect).encoded,
      lateness: encodeHistogram(this.lateness.histogram).encoded,
      scheduleOverrunMs: Math.max(0, this.maxLatenessMs),
      firstSendMs: this.firstSendMs,
      lastSendMs: this.lastSendMs,
      warmup: {
        intended: warm.counts.intended,
        sent: warm.counts.sent,
        dropped: warm.counts.dropped,
        received: warm.counts.received,
        latency: encodeHistogram(warm.latency.histogram).encoded,
      },
    };
  }
}
