// What one worker measures: counts, and HDR histograms (µs) of latency from the intended send time,
// service time from the actual send, the generator's own send lateness, the PUBACK/PUBCOMP round
// trip, connect time, and the current 1 s interval. The record* methods are the hot path. Messages
// due during the warm-up are counted and timed apart (recordWarmup*): none of the above sees them.
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
  /** Latency from the intended time of the messages due during the warm-up. */
  readonly warmupLatency = new Recorder();
  readonly warmupCounts = { intended: 0, sent: 0, dropped: 0, received: 0 };
  private readonly interval = new Recorder();
  readonly counts = { intended: 0, sent: 0, dropped: 0, received: 0, foreign: 0, errors: 0 };
  private readonly intervalCounts = { sent: 0, received: 0, errors: 0, late: 0 };
  private intervalIndex = 0;
  maxLatenessMs = 0;
  firstSendMs = 0;
  lastSendMs = 0;
  lastReceiveMs = 0;

  /** A message left at `atMs`, `latenessMs` after it was due. */
  recordSent(atMs: number, latenessMs: number): void {
    this.counts.sent++;
    this.intervalCounts.sent++;
    if (latenessMs > LATE_SEND_MS) this.intervalCounts.late++;
    if (latenessMs > this.maxLatenessMs) this.maxLatenessMs = latenessMs;
    this.lateness.record(latenessMs * 1000);
    if (this.firstSendMs === 0) this.firstSendMs = atMs;
    this.lastSendMs = atMs;
  }

  /** A message arrived at `atMs`; it was due at `intendedMs` and left `latenessUs` later. */
  recordDelivery(atMs: number, intendedMs: number, latenessUs: number): void {
    const us = (atMs - intendedMs) * 1000;
    this.latency.record(us);
    this.service.record(us - latenessUs);
    this.interval.record(us);
    this.counts.received++;
    this.intervalCounts.received++;
    this.lastReceiveMs = atMs;
  }

  /** A message due during the warm-up arrived at `atMs`. */
  recordWarmupDelivery(atMs: number, intendedMs: number): void {
    this.warmupLatency.record((atMs - intendedMs) * 1000);
    this.warmupCounts.received++;
    this.lastReceiveMs = atMs;
  }

  /** connection-storm: one connection attempted (its "send"). */
  recordAttempt(): void {
    this.counts.sent++;
    this.intervalCounts.sent++;
    const now = nowMs();
    if (this.firstSendMs === 0) this.firstSendMs = now;
    this.lastSendMs = now;
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

  /** The measurement part of the worker's final report. */
  report(): Pick<
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
      warmup: { ...this.warmupCounts, latency: encodeHistogram(this.warmupLatency.histogram).encoded },
    };
  }
}
