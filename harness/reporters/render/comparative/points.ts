// The measured points the comparative views are drawn from: one per fixed-rate load result, and one
// per step of each repetition of a rate sweep, with the workload, offered, expected and delivered
// rate, latency, status and SLO. The only file here that reads LoadResult and SweepResult.
import type {
  EncodedHistogram,
  LoadResult,
  RunResult,
  SweepResult,
  SweepStep,
} from '../../../result/index.js';
import { deliveredPerSecond, eventLoopDelayP99Ms, rateIntervals } from '../../../result/index.js';

/** 'knee': a sweep step where the broker stopped keeping up (the sweep's own verdict). */
export type PointStatus = 'ok' | 'failed' | 'knee' | 'inconclusive';

export interface ComparisonPoint {
  source: 'load' | 'sweep';
  /** µs, from the intended send time; count = messages timed. */
  latency: { p50: number; p99: number; p999: number; count: number };
  histogram?: EncodedHistogram;
  /** Delivered per second in each whole interval of a fixed-rate load (an interval for one run). */
  deliveredSeries?: number[];
  /** What was run, the same for every target: "pairs-qos1 · MQTT 5.0". */
  workload: string;
  target: string;
  profile: string;
  /** Messages per second the schedule offered; undefined for closed-loop loads (no offered rate). */
  offeredPerSec?: number;
  deliveredPerSec: number;
  /** Deliveries the offered rate should give per second (× matching subscribers). */
  expectedPerSec?: number;
  status: PointStatus;
  /** Why failed or inconclusive. */
  reason?: string;
  /** p99 SLO (µs) from a `p99 < …` threshold of the load. */
  sloUs?: number;
}

/** Profiles in the order the comparison reads best: lan → 3g → lossy-5, then the rest as run. */
export const PROFILE_ORDER = ['none', 'lan', '3g', 'lossy-5'];

export function orderProfiles(profiles: readonly string[]): string[] {
  const rank = (p: string): number => {
    const i = PROFILE_ORDER.indexOf(p);
    return i < 0 ? PROFILE_ORDER.length : i;
  };
  return [...new Set(profiles)]
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
}

export function comparisonPoints(result: RunResult): ComparisonPoint[] {
  return [...result.loads.map(pointOf), ...(result.sweeps ?? []).flatMap(sweepPoints)];
}

export function workloadOf(x: { name: string; mqttVersion: string }): string {
  return `${x.name} · MQTT ${x.mqttVersion}`;
}

export function pointOf(load: LoadResult): ComparisonPoint {
  const offered = offeredRate(load);
  const slo = sloOf(load);
  const { status, reason } = statusOf(load);
  const { p50, p99, p999, count } = load.latency;
  return {
    source: 'load',
    latency: { p50, p99, p999, count },
    histogram: load.histogram,
    deliveredSeries: rateIntervals(load.intervals).map(deliveredPerSecond),
    workload: workloadOf(load),
    target: load.target,
    profile: load.profile,
    ...(offered === undefined ? {} : { offeredPerSec: offered, expectedPerSec: offered * fanOutOf(load) }),
    deliveredPerSec: load.rate.receivedPerSec,
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(slo === undefined ? {} : { sloUs: slo }),
  };
}

/** Every step of every repetition of a sweep, one point each. */
export function sweepPoints(sweep: SweepResult): ComparisonPoint[] {
  return sweep.repetitions.flatMap((repetition) => repetition.steps.map((step) => stepPoint(sweep, step)));
}

function stepPoint(sweep: SweepResult, step: SweepStep): ComparisonPoint {
  const status: PointStatus =
    step.verdict === 'ok' ? 'ok' : step.verdict === 'knee' ? 'knee' : 'inconclusive';
  const { p50, p99, p999 } = step.latencyUs;
  return {
    source: 'sweep',
    latency: { p50, p99, p999, count: step.latencySamples },
    ...(step.histogram === undefined ? {} : { histogram: step.histogram }),
    workload: workloadOf(sweep),
    target: sweep.target,
    profile: sweep.profile,
    offeredPerSec: step.offeredRate,
    expectedPerSec: step.expectedRate,
    deliveredPerSec: step.deliveredRate,
    status,
    ...(step.reason === undefined ? {} : { reason: step.reason }),
    ...(sweep.slo.p99Us === undefined ? {} : { sloUs: sweep.slo.p99Us }),
  };
}

function offeredRate(load: LoadResult): number | undefined {
  const rate = load.config['rate'];
  return typeof rate === 'number' && rate > 0 ? rate : undefined;
}

function fanOutOf(load: LoadResult): number {
  const expected = load.delivery.reduce((sum, d) => sum + d.expected, 0);
  return load.sent > 0 && expected > 0 ? expected / load.sent : 1;
}

function statusOf(load: LoadResult): { status: PointStatus; reason?: string } {
  const verdict: string = load.verdict;
  if (verdict === 'inconclusive') return { status: 'inconclusive', reason: load.reason ?? 'inconclusive' };
  if (load.latency.count === 0)
    return { status: 'inconclusive', reason: load.reason ?? 'nothing was delivered' };
  if (load.generator.saturated)
    return {
      status: 'inconclusive',
      reason: `generator saturated (event-loop delay p99 ${eventLoopDelayP99Ms(load.generator)} ms)`,
    };
  if (verdict === 'failed') return { status: 'failed', reason: load.reason ?? 'failed' };
  return { status: 'ok' };
}

const UNIT_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

/** "p99 < 20ms" → 20000 (µs); undefined when the load sets no p99 bound. */
export function sloOf(load: LoadResult): number | undefined {
  for (const t of load.thresholds) {
    const match = /^\s*p99\s*<=?\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s)\s*$/.exec(t.expression);
    if (match) return Number(match[1]) * (UNIT_US[match[2]!] ?? 1);
  }
  return undefined;
}
