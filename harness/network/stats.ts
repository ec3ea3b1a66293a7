// What the proxy measured: client-perceived round trips (CONNECT→CONNACK, PINGREQ→PINGRESP, from the
// moment the request reached the proxy to the moment the answer was written back) and throughput.
const MAX_SAMPLES = 100_000;

export interface MeasuredEffect {
  rttMs?: { p50: number; p99: number; count: number };
  throughputBytesPerSec?: number;
  /** Timer accuracy of the proxy itself: written time minus release time of delayed segments. */
  latenessMs?: { p50: number; p99: number };
  bytes: { upstream: number; downstream: number };
  connections: number;
}

export class ProxyStats {
  readonly rttSamples: number[] = [];
  /** How late delayed segments were written versus their release time (ms; negative: early). */
  readonly lateness: number[] = [];
  bytesUp = 0;
  bytesDown = 0;
  connections = 0;
  private firstByteAt = -1;
  private lastByteAt = -1;

  addRtt(ms: number): void {
    if (this.rttSamples.length < MAX_SAMPLES) this.rttSamples.push(ms);
    else this.rttSamples[Math.floor(Math.random() * MAX_SAMPLES)] = ms; // keep a uniform sample
  }

  addLateness(ms: number): void {
    if (this.lateness.length < MAX_SAMPLES) this.lateness.push(ms);
  }

  addBytes(direction: 'upstream' | 'downstream', count: number, now: number): void {
    if (direction === 'upstream') this.bytesUp += count;
    else this.bytesDown += count;
    if (this.firstByteAt < 0) this.firstByteAt = now;
    this.lastByteAt = now;
  }

  snapshot(): MeasuredEffect {
    const result: MeasuredEffect = {
      bytes: { upstream: this.bytesUp, downstream: this.bytesDown },
      connections: this.connections,
    };
    if (this.rttSamples.length > 0) {
      const sorted = [...this.rttSamples].sort((a, b) => a - b);
      result.rttMs = {
        p50: round(quantile(sorted, 0.5)),
        p99: round(quantile(sorted, 0.99)),
        count: sorted.length,
      };
    }
    if (this.lateness.length > 0) {
      const sorted = [...this.lateness].sort((a, b) => a - b);
      result.latenessMs = { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)) };
    }
    const span = this.lastByteAt - this.firstByteAt;
    if (span > 0) result.throughputBytesPerSec = Math.round(((this.bytesUp + this.bytesDown) * 1000) / span);
    return result;
  }
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
