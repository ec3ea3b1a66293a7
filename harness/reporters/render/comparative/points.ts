// The measured points the comparative views are drawn from: one per load result (a fixed-rate load,
// or one step of a rate sweep, or one repetition of either), with its workload, offered and
// delivered rate, status and the SLO its thresholds set. The only file here that reads LoadResult.
import type { LoadResult, RunResult } from '../../../result/model.js';

export type PointStatus = 'ok' | 'failed' | 'inconclusive';

export interface ComparisonPoint {
  load: LoadResult;
  /** What was run, the same for every target: "pairs-qos1 · MQTT 5.0". */
  workload: string;
  target: string;
  profile: string;
  /** Messages per second the schedule offered; undefined for closed-loop loads (no offered rate). */
  offeredPerSec?: number;
  deliveredPerSec: number;
  /** Deliveries per message published (fan-out: the matching subscribers); 1 when unknown. */
  fanOut: number;
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
  return result.loads.map(pointOf);
}

export function pointOf(load: LoadResult): ComparisonPoint {
  const offered = offeredRate(load);
  const slo = sloOf(load);
  const { status, reason } = statusOf(load);
  return {
    load,
    workload: `${load.name} · MQTT ${load.mqttVersion}`,
    target: load.target,
    profile: load.profile,
    ...(offered === undefined ? {} : { offeredPerSec: offered }),
    deliveredPerSec: load.rate.receivedPerSec,
    fanOut: fanOutOf(load),
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(slo === undefined ? {} : { sloUs: slo }),
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
      reason: `generator saturated (event-loop lag p99 ${load.generator.eventLoopLagP99Ms} ms)`,
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
