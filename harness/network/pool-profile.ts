// A network profile over a target pool: each endpoint of the pool gets its own proxy (and kernel
// link) with the whole profile, as each broker of a cluster sits behind its own link. What they
// measured is judged per endpoint and combined here: the pool is within tolerance when every
// endpoint is; its RTT is the endpoints' p50s averaged by their samples.
import type { ProfileCheck, ProfileInfo } from '../result/index.js';

export function combinePoolChecks(
  checks: readonly { endpoint: string; check: ProfileCheck }[],
): ProfileCheck {
  const first = checks[0]!.check;
  if (checks.length === 1) return first;
  const timed = checks.filter(({ check }) => check.measuredRttMs !== undefined && check.rttSamples > 0);
  const samples = checks.reduce((total, { check }) => total + check.rttSamples, 0);
  const combined: ProfileCheck = {
    nominalRttMs: first.nominalRttMs,
    rttSamples: samples,
    runsIn: first.runsIn,
    withinTolerance: checks.every(({ check }) => check.withinTolerance),
  };
  if (timed.length > 0) {
    const weight = timed.reduce((total, { check }) => total + check.rttSamples, 0);
    const mean =
      timed.reduce((total, { check }) => total + check.measuredRttMs! * check.rttSamples, 0) / weight;
    combined.measuredRttMs = Math.round(mean * 1000) / 1000;
  }
  if (first.nominalThroughputBytesPerSec !== undefined)
    combined.nominalThroughputBytesPerSec = first.nominalThroughputBytesPerSec;
  const rates = checks.flatMap(({ check }) =>
    check.measuredThroughputBytesPerSec === undefined ? [] : [check.measuredThroughputBytesPerSec],
  );
  if (rates.length > 0)
    // Each endpoint has its own link and limit: the fastest one is what the limit is judged on.
    combined.measuredThroughputBytesPerSec = {
      upstream: Math.max(...rates.map((rate) => rate.upstream)),
      downstream: Math.max(...rates.map((rate) => rate.downstream)),
    };
  const reasons = checks.flatMap(({ endpoint, check }) =>
    check.reason === undefined ? [] : [`${endpoint}: ${check.reason}`],
  );
  if (reasons.length > 0) combined.reason = reasons.join('; ');
  return combined;
}

/** The first endpoint's figures (as for one endpoint), with a note naming every endpoint the profile applied to. */
export function combinePoolInfos(infos: readonly { endpoint: string; info: ProfileInfo }[]): ProfileInfo {
  const first = infos[0]!.info;
  if (infos.length === 1) return first;
  return {
    ...first,
    notes: [
      ...(first.notes ?? []),
      `applied to each of the ${infos.length} pool endpoints (${infos.map(({ endpoint }) => endpoint).join(', ')}); measured figures: ${infos[0]!.endpoint}`,
    ],
  };
}
