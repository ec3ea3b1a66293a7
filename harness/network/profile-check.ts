// Did the profile do what it says while a load ran? The nominal RTT and throughput come from the
// profile's toxics; the measured ones from the proxy (its own share of each CONNECT→CONNACK and
// PINGREQ→PINGRESP round trip, the broker's answer time taken out; bytes per direction). A load whose
// profile missed measured something else than the profile it names: its verdict is inconclusive.
import type { ProfileCheck } from '../result/index.js';
import type { ResolvedToxic } from './schema.js';
import type { MeasuredEffect } from './stats.js';

export interface ProfileNominal {
  /** Median round trip the latency toxics add (both directions), ms. */
  rttMs: number;
  /** The tightest bandwidth limit per direction, bytes/s (absent: unlimited). */
  throughput: { upstream?: number; downstream?: number };
  /** Why part of the nominal cannot be stated (latency on a schedule or for some connections only). */
  varies?: string;
}

/** Tolerance: off by more than 10 % or 2 ms, whichever is larger, is a miss. */
export const RTT_TOLERANCE = { fraction: 0.1, ms: 2 } as const;
/** Below this many bytes (a second's worth at the limit) a direction's throughput is not judged. */
const THROUGHPUT_MIN_SECONDS = 1;
/** Fewer timed round trips than this are not judged: their p50 is one or two samples' noise. */
export const RTT_MIN_SAMPLES = 5;

/** Whether a measured RTT is within max(10 %, 2 ms) of the nominal one. */
export function profileWithinTolerance(nominalMs: number, measuredMs: number): boolean {
  const allowed = Math.max(RTT_TOLERANCE.fraction * nominalMs, RTT_TOLERANCE.ms);
  return Math.abs(measuredMs - nominalMs) <= allowed;
}

/** The nominal effect of the toxics the proxy applies. */
export function nominalOf(toxics: readonly ResolvedToxic[]): ProfileNominal {
  let rttMs = 0;
  const throughput: ProfileNominal['throughput'] = {};
  const varying: string[] = [];
  for (const toxic of toxics) {
    const conditional = toxic.schedule !== undefined || toxic.toxicity < 1;
    if (toxic.type === 'latency') {
      if (conditional) varying.push(toxic.name);
      else rttMs += medianDelay(toxic);
    } else if (toxic.type === 'bandwidth' && !conditional) {
      const bytesPerSec = Number(toxic.attributes['rate']) * 1000; // KB/s
      const current = throughput[toxic.stream];
      throughput[toxic.stream] = current === undefined ? bytesPerSec : Math.min(current, bytesPerSec);
    }
  }
  const nominal: ProfileNominal = { rttMs: round(rttMs), throughput };
  if (varying.length > 0)
    nominal.varies = `latency on a schedule or for some connections: ${varying.join(', ')}`;
  return nominal;
}

/** The median one-way delay of a latency toxic (distribution.ts: pareto's median is above `latency`). */
function medianDelay(toxic: ResolvedToxic): number {
  const latency = Number(toxic.attributes['latency'] ?? 0);
  const jitter = Number(toxic.attributes['jitter'] ?? 0);
  return toxic.attributes['distribution'] === 'pareto' ? latency + jitter * (Math.cbrt(2) - 1) : latency;
}

/** Compares what the proxy measured during a load with the nominal effect. */
export function checkProfile(
  nominal: ProfileNominal,
  measured: MeasuredEffect,
  runsIn: ProfileCheck['runsIn'],
): ProfileCheck {
  const check: ProfileCheck = {
    nominalRttMs: nominal.rttMs,
    rttSamples: measured.addedRttMs?.count ?? 0,
    runsIn,
    withinTolerance: true,
  };
  const reasons: string[] = [];
  const notes: string[] = [];
  const added = measured.addedRttMs;
  if (added !== undefined) {
    check.measuredRttMs = added.p50;
    if (nominal.varies !== undefined) notes.push(`RTT not judged (${nominal.varies})`);
    else if (added.count < RTT_MIN_SAMPLES)
      notes.push(`RTT not judged: ${added.count} round trips timed, at least ${RTT_MIN_SAMPLES} needed`);
    else if (!profileWithinTolerance(nominal.rttMs, added.p50)) {
      const allowed = Math.max(RTT_TOLERANCE.fraction * nominal.rttMs, RTT_TOLERANCE.ms);
      reasons.push(
        `profile RTT measured ${added.p50} ms (p50 of ${added.count} round trips), nominal ${nominal.rttMs} ms ± ${round(allowed)} ms`,
      );
    }
  } else notes.push('RTT not measured: no CONNECT or PINGREQ went through the profile during the load');
  const perDirection = measured.directionBytesPerSec;
  if (nominal.throughput.upstream !== undefined || nominal.throughput.downstream !== undefined) {
    check.nominalThroughputBytesPerSec = { ...nominal.throughput };
    if (perDirection) check.measuredThroughputBytesPerSec = { ...perDirection };
    for (const direction of ['upstream', 'downstream'] as const) {
      const limit = nominal.throughput[direction];
      const rate = perDirection?.[direction];
      if (limit === undefined || rate === undefined) continue;
      if (measured.bytes[direction] < limit * THROUGHPUT_MIN_SECONDS) continue; // too little to judge
      // The limit is a ceiling; a load that offers less measures less. Only passing more is a miss.
      if (rate > limit * (1 + RTT_TOLERANCE.fraction))
        reasons.push(`${direction} throughput ${rate} B/s above the profile's ${limit} B/s`);
    }
  }
  if (reasons.length > 0) {
    check.withinTolerance = false;
    check.reason = reasons.join('; ');
  } else if (notes.length > 0) check.reason = notes.join('; ');
  return check;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
