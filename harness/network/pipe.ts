// One direction of a proxied connection. Each chunk read from the source passes the toxics in order,
// which give its segments a release time; segments wait in a FIFO (release times never decrease, so
// order is kept) served by ONE timer armed for the head of the queue.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sampleDelay, type Random } from './distribution.js';
import { FrameScanner, PACKET } from './frame-scanner.js';
import { activeUntil, isActive } from './schedule.js';
import type { Distribution, ResolvedToxic } from './schema.js';
import type { ProxyStats } from './stats.js';

export type Stream = 'upstream' | 'downstream';
export type PipeAction = 'close' | 'reset';

interface Segment {
  at: number; // performance.now() time to write
  enqueuedAt: number;
  data: Buffer;
  /** Upstream: requests (CONNECT/PINGREQ) this segment carries; downstream: answered requests. */
  trips?: RoundTrip[];
  then?: PipeAction;
}

/** One request/answer pair as the proxy sees it (performance.now() times). */
export interface RoundTrip {
  /** The request reached the proxy. */
  arrivedAt: number;
  /** The request was written upstream (NaN until then). */
  forwardedAt: number;
  /** The answer came back from upstream (NaN until then). */
  answeredAt: number;
}

export interface PipeContext {
  /** performance.now() when the profile was applied: schedules count from here. */
  startedAt: number;
  random: Random;
  stats: ProxyStats;
  /** Requests (CONNECT, PINGREQ) waiting for their answer, oldest first. Shared by both pipes. */
  pending: RoundTrip[];
  onAction(action: PipeAction, stream: Stream): void;
}

const HIGH_WATER = 1 << 20; // pause the source above 1 MiB queued
const LOW_WATER = 1 << 18;
// Node timers have 1 ms resolution and fire late (the loop clock counts whole ms; more on a loaded
// machine). The proxy learns how late they fire (a moving average shared by all pipes), arms each
// timer that much early and waits the last stretch with setImmediate; a segment due within EARLY_MS
// is written at once. This centres the delivery error near zero instead of adding the timer lag to
// every delay.
const timerLag = { ms: 1 };
const MAX_LAG_MS = 4;
const EARLY_MS = 0.05;

export class Pipe {
  private queue: Segment[] = [];
  private head = 0;
  private queuedBytes = 0;
  private lastAt = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly bandwidthFree = new Map<ResolvedToxic, number>();
  private readonly counted = new Map<ResolvedToxic, number>();
  private readonly scanner: FrameScanner | undefined;
  private paused = false;
  private sourceEnded = false;
  private ended = false;
  private stopped = false;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly stream: Stream,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly toxics: readonly ResolvedToxic[],
    private readonly ctx: PipeContext,
    scanMqtt: boolean,
  ) {
    this.scanner = scanMqtt ? new FrameScanner() : undefined;
    source.on('data', (chunk: Buffer) => this.receive(chunk));
    source.on('end', () => {
      this.sourceEnded = true;
      this.maybeEnd();
    });
    dest.on('drain', () => this.updateFlow());
  }

  /** Stops all timers; queued data is discarded. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.timer = undefined;
    this.closeTimer = undefined;
    this.queue = [];
    this.head = 0;
  }

  private receive(chunk: Buffer): void {
    if (this.stopped) return;
    const now = performance.now();
    let requests = 0;
    let answers = 0;
    this.scanner?.scan(chunk, (type) => {
      if (type === PACKET.connect || type === PACKET.pingreq) requests++;
      else if (type === PACKET.connack || type === PACKET.pingresp) answers++;
    });
    if (this.toxics.length === 0 && this.head === this.queue.length) {
      this.passThrough(chunk, now, requests, answers); // no toxics, nothing queued: no segment, no timer
      return;
    }
    let segments: Segment[] = [{ at: now, enqueuedAt: now, data: chunk }];
    const t = now - this.ctx.startedAt;
    for (const toxic of this.toxics) {
      segments = this.applyToxic(toxic, segments, t);
      if (segments.length === 0) break;
    }
    if (segments.length === 0) return;
    const trips = this.trips(now, requests, answers);
    if (trips.length > 0) segments[segments.length - 1]!.trips = trips;
    const wasEmpty = this.head === this.queue.length;
    for (const segment of segments) {
      if (segment.at < this.lastAt) segment.at = this.lastAt; // keep order
      this.lastAt = segment.at;
      this.queuedBytes += segment.data.length;
      this.queue.push(segment);
    }
    if (wasEmpty) this.flush();
    else this.updateFlow();
  }

  /** Upstream: new requests (queued as pending); downstream: the pending requests these answers answer. */
  private trips(now: number, requests: number, answers: number): RoundTrip[] {
    const trips: RoundTrip[] = [];
    if (this.stream === 'upstream') {
      for (let i = 0; i < requests; i++) {
        const trip = { arrivedAt: now, forwardedAt: NaN, answeredAt: NaN };
        this.ctx.pending.push(trip);
        trips.push(trip);
      }
      return trips;
    }
    for (let i = 0; i < answers; i++) {
      const trip = this.ctx.pending.shift();
      if (trip === undefined) break;
      trip.answeredAt = now;
      trips.push(trip);
    }
    return trips;
  }

  /** The segment carrying these trips was written now. */
  private written(trips: readonly RoundTrip[] | undefined, now: number): void {
    if (trips === undefined) return;
    for (const trip of trips) {
      if (this.stream === 'upstream') trip.forwardedAt = now;
      else this.ctx.stats.addRoundTrip(now - trip.arrivedAt, trip.answeredAt - trip.forwardedAt);
    }
  }

  private passThrough(chunk: Buffer, now: number, requests: number, answers: number): void {
    const trips = this.trips(now, requests, answers);
    if (!this.dest.destroyed) {
      if (!this.dest.write(chunk)) this.updateFlow();
      this.ctx.stats.addBytes(this.stream, chunk.length, now);
    }
    this.written(trips, now);
    this.maybeEnd();
  }

  private applyToxic(toxic: ResolvedToxic, segments: Segment[], t: number): Segment[] {
    const a = toxic.attributes;
    switch (toxic.type) {
      case 'latency': {
        if (!isActive(toxic.schedule, t)) return segments;
        const latency = Number(a['latency'] ?? 0);
        const jitter = Number(a['jitter'] ?? 0);
        const distribution = (a['distribution'] ?? 'uniform') as Distribution;
        for (const s of segments) s.at += sampleDelay(latency, jitter, distribution, this.ctx.random);
        return segments;
      }
      case 'bandwidth': {
        if (!isActive(toxic.schedule, t)) return segments;
        const bytesPerMs = Number(a['rate']); // KB/s = bytes/ms
        let free = this.bandwidthFree.get(toxic) ?? 0;
        for (const s of segments) {
          free = Math.max(s.at, free) + s.data.length / bytesPerMs;
          s.at = free;
        }
        this.bandwidthFree.set(toxic, free);
        return segments;
      }
      case 'slicer':
        return isActive(toxic.schedule, t) ? segments.flatMap((s) => this.slice(s, a)) : segments;
      case 'stall':
        for (const s of segments) {
          const end = activeUntil(toxic.schedule, s.at - this.ctx.startedAt);
          if (end !== undefined) s.at = this.ctx.startedAt + end; // Infinity: held for good
        }
        return segments;
      case 'timeout':
      case 'blackhole':
        return isActive(toxic.schedule, t) ? [] : segments;
      case 'reset_peer':
        return a['bytes'] === undefined || !isActive(toxic.schedule, t)
          ? segments
          : this.truncate(toxic, Number(a['bytes']), segments, 'reset');
      case 'limit_data':
        return isActive(toxic.schedule, t)
          ? this.truncate(toxic, Number(a['bytes']), segments, 'close')
          : segments;
      case 'slow_close':
        return segments;
    }
  }

  private slice(segment: Segment, a: Readonly<Record<string, number | string>>): Segment[] {
    const average = Number(a['average_size']);
    const variation = Math.min(Number(a['size_variation'] ?? 0), average - 1);
    const delayMs = Number(a['delay'] ?? 0) / 1000; // µs, as Toxiproxy
    const out: Segment[] = [];
    let offset = 0;
    let at = segment.at;
    while (offset < segment.data.length) {
      const size = Math.max(1, Math.round(average + (this.ctx.random() * 2 - 1) * variation));
      out.push({
        at,
        enqueuedAt: segment.enqueuedAt,
        data: segment.data.subarray(offset, offset + size),
      });
      offset += size;
      at += delayMs;
    }
    return out;
  }

  /** Lets `limit` bytes through in total, then asks the connection to close or reset. */
  private truncate(toxic: ResolvedToxic, limit: number, segments: Segment[], action: PipeAction): Segment[] {
    let allowed = limit - (this.counted.get(toxic) ?? 0);
    const out: Segment[] = [];
    for (const s of segments) {
      if (allowed >= s.data.length) {
        allowed -= s.data.length;
        out.push(s);
        continue;
      }
      out.push({
        at: s.at,
        enqueuedAt: s.enqueuedAt,
        data: s.data.subarray(0, Math.max(0, allowed)),
        then: action,
      });
      this.counted.set(toxic, limit);
      this.source.pause();
      this.stopped = true; // nothing more is read in this direction
      return out;
    }
    this.counted.set(toxic, limit - allowed);
    if (allowed === 0) out[out.length - 1]!.then = action;
    if (allowed === 0) this.stopped = true;
    return out;
  }

  private flush(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.queue.length) {
      const s = this.queue[this.head]!;
      if (s.at > now + EARLY_MS) break;
      this.queue[this.head++] = undefined as unknown as Segment;
      this.queuedBytes -= s.data.length;
      if (s.at > s.enqueuedAt) this.ctx.stats.addLateness(now - s.at);
      if (s.data.length > 0 && !this.dest.destroyed) {
        this.dest.write(s.data);
        this.ctx.stats.addBytes(this.stream, s.data.length, now);
      }
      this.written(s.trips, now);
      if (s.then) {
        this.ctx.onAction(s.then, this.stream);
        return;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.arm(now);
    this.updateFlow();
    this.maybeEnd();
  }

  private arm(now: number): void {
    if (this.timer || this.head >= this.queue.length) return;
    const at = this.queue[this.head]!.at;
    if (!Number.isFinite(at)) return;
    const wait = Math.max(0, Math.round(at - now - timerLag.ms));
    if (wait === 0) {
      this.timer = setImmediate(() => this.flush());
      return;
    }
    const due = now + wait;
    this.timer = setTimeout(() => {
      const late = performance.now() - due;
      timerLag.ms = Math.min(MAX_LAG_MS, Math.max(0, timerLag.ms * 0.9 + late * 0.1));
      this.flush();
    }, wait);
  }

  private clearTimer(): void {
    const timer = this.timer;
    if (timer === undefined) return;
    if ('hasRef' in timer && 'refresh' in timer) clearTimeout(timer);
    else clearImmediate(timer);
  }

  private updateFlow(): void {
    if (this.stopped) return;
    const pending = this.queuedBytes + this.dest.writableLength;
    if (!this.paused && pending > HIGH_WATER) {
      this.paused = true;
      this.source.pause();
    } else if (this.paused && pending < LOW_WATER) {
      this.paused = false;
      this.source.resume();
    }
  }

  private maybeEnd(): void {
    if (!this.sourceEnded || this.ended || this.head < this.queue.length) return;
    this.ended = true;
    const slow = this.toxics.find(
      (x) => x.type === 'slow_close' && isActive(x.schedule, performance.now() - this.ctx.startedAt),
    );
    const delay = slow ? Number(slow.attributes['delay'] ?? 0) : 0;
    if (delay > 0) this.closeTimer = setTimeout(() => this.dest.end(), delay);
    else this.dest.end();
  }
}
