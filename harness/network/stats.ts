// What the proxy measured: client-perceived round trips (CONNECT→CONNACK, PINGREQ→PINGRESP, from the
// moment the request reached the proxy to the moment the answer was written back), the profile's own
// share of each of those round trips (the same span minus the time the upstream took to answer), and
// throughput. A window (`openWindow`) sees only what happens while it is open: one load's share of a
// proxy that serves a whole run.
const MAX_SAMPLES = 100_000;

export interface MeasuredEffect {
  rttMs?: { p50: number; p99: number; count: number };
  /** The profile's part of each round trip: rttMs minus the upstream's answer time. */
  addedRttMs?: { p50: number; p99: number; count: number };
  throughputBytesPerSec?: number;
  /** Per direction, bytes over the span from the first to the last byte seen (either direction). */
  directionBytesPerSec?: { upstream: number; downstream: number };
  /** Timer accuracy of the proxy itself: written time minus release time of delayed segments. */
  latenessMs?: { p50: number; p99: number };
  bytes: { upstream: number; downstream: number };
  connections: number;
}

class Samples {
  readonly values: number[] = [];
  add(ms: number): void {
    if (this.values.length < MAX_SAMPLES) this.values.push(ms);
    else this.values[Math.floor(Math.random() * MAX_SAMPLES)] = ms; // keep a uniform sample
  }
  summary(): { p50: number; p99: number; count: number } | undefined {
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), count: sorted.length };
  }
}

export class ProxyStats {
  private readonly rtt = new Samples();
  private readonly added = new Samples();
  /** How late delayed segments were written versus their release time (ms; negative: early). */
  private readonly lateness = new Samples();
  private readonly windows = new Set<ProxyStats>();
  bytesUp = 0;
  bytesDown = 0;
  connections = 0;
  private firstByteAt = -1;
  private lastByteAt = -1;

  /** A round trip: total as the client saw it at the proxy, and the upstream's share of it (ms). */
  addRoundTrip(totalMs: number, upstreamMs?: number): void {
    this.rtt.add(totalMs);
    if (upstreamMs !== undefined && Number.isFinite(upstreamMs)) this.added.add(totalMs - upstreamMs);
    for (const window of this.windows) window.addRoundTrip(totalMs, upstreamMs);
  }

  addLateness(ms: number): void {
    this.lateness.add(ms);
    for (const window of this.windows) window.addLateness(ms);
  }

  addConnection(): void {
    this.connections++;
    for (const window of this.windows) window.addConnection();
  }

  addBytes(direction: 'upstream' | 'downstream', count: number, now: number): void {
    if (direction === 'upstream') this.bytesUp += count;
    else this.bytesDown += count;
    if (this.firstByteAt < 0) this.firstByteAt = now;
    this.lastByteAt = now;
    for (const window of this.windows) window.addBytes(direction, count, now);
  }

  /** Starts collecting what happens from now on, apart; `closeWindow` stops it. */
  openWindow(): ProxyStats {
    const window = new ProxyStats();
    this.windows.add(window);
    return window;
  }

  closeWindow(window: ProxyStats): MeasuredEffect {
    this.windows.delete(window);
    return window.snapshot();
  }

  snapshot(): MeasuredEffect {
    const result: MeasuredEffect = {
      bytes: { upstream: this.bytesUp, downstream: this.bytesDown },
      connections: this.connections,
    };
    const rtt = this.rtt.summary();
    if (rtt) result.rttMs = rtt;
    const added = this.added.summary();
    if (added) result.addedRttMs = added;
    const lateness = this.lateness.summary();
    if (lateness) result.latenessMs = { p50: lateness.p50, p99: lateness.p99 };
    const span = this.lastByteAt - this.firstByteAt;
    if (span > 0) {
      result.throughputBytesPerSec = Math.round(((this.bytesUp + this.bytesDown) * 1000) / span);
      result.directionBytesPerSec = {
        upstream: Math.round((this.bytesUp * 1000) / span),
        downstream: Math.round((this.bytesDown * 1000) / span),
      };
    }
    return result;
  }
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
