// A load's verdict. passed: every delivery verdict and threshold held, every client connected, and
// the figures can be trusted. failed: something the machine cannot explain went wrong (messages lost
// or duplicated, connections refused or broken at setup, run errors, a count threshold), or a timing
// threshold missed on trustworthy figures. A load whose clients could not connect measured nothing:
// it is never passed (a broker that refuses the MQTT version sent 0 messages and lost none). inconclusive: the
// figures describe the machine rather than the broker, so no timing claim is made either way:
//   - the generator missed its schedule: the send-lateness p99 exceeds max(LATENESS_FLOOR_MS,
//     LATENESS_SHARE × latency p99) (the generator's own waiting is a visible part of the latency) —
//     unless every timing claim of the load is a latency upper bound that held: latency runs from the
//     intended send time, so lateness only inflates it, and the claims hold for the broker (the
//     lateness is then a `caveat` on the figures, shown by the reporters),
//     or the generator is saturated, or more than SCHEDULE_DROP_TOLERANCE of the due sends were
//     dropped while the generator's event loop lagged by more than LATENESS_FLOOR_MS (p99). Drops
//     alone are the broker's doing (a full in-flight window, a socket it does not read): a broker
//     that stalls is measured, not excused;
//   - a connection storm saw the kernel turn connections away (listen-queue overflows) or resend
//     SYNs: its connect times then measure the kernel's SYN retry timer;
//   - a network profile's measured effect is off its nominal (harness/network profileWithinTolerance:
//     more than 10 % or 2 ms): addInconclusive(), applied by the orchestrator once the load's
//     profile check is in (LoadResult.profileCheck).
// docs/load.md "Verdicts" says the same for users.
import { eventLoopDelayP99Ms, type LoadResult } from '../result/index.js';
import { LATE_SEND_MS } from './measurements.js';

/** Dropped sends (could not leave on time) tolerated, as a share of the intended ones. */
export const SCHEDULE_DROP_TOLERANCE = 0.001;
/** Send lateness p99 below this never makes a load inconclusive. */
export const LATENESS_FLOOR_MS = 2;
/** Send lateness p99 above this share of the latency p99 makes the latency the generator's figure. */
export const LATENESS_SHARE = 0.1;

/** Why the generator's schedule cannot be trusted (empty when it was kept). */
export function scheduleProblems(load: LoadResult): string[] {
  const problems: string[] = [];
  // The delay beyond the monitor's own sampling period (the raw figure includes it).
  const lagMs = eventLoopDelayP99Ms(load.generator);
  if (
    load.intended > 0 &&
    load.dropped / load.intended > SCHEDULE_DROP_TOLERANCE &&
    lagMs > LATENESS_FLOOR_MS
  ) {
    problems.push(
      `schedule missed: ${load.dropped} of ${load.intended} due sends dropped (${percent(load.dropped / load.intended)}, tolerance ${percent(SCHEDULE_DROP_TOLERANCE)}) while the generator's event loop was delayed (event-loop delay p99 ${ms(lagMs)})`,
    );
  }
  const lateness = latenessProblem(load);
  if (lateness !== undefined) problems.push(lateness);
  else if (load.generator.saturated) {
    problems.push(
      `generator saturated: event-loop delay p99 ${ms(lagMs)}, schedule overrun ${load.generator.scheduleOverrunMs} ms`,
    );
  }
  return problems;
}

/** The generator's send lateness when it is a visible part of the latency (undefined otherwise). */
export function latenessProblem(load: LoadResult): string | undefined {
  const latenessP99Ms = (load.sendLateness?.percentiles.p99 ?? 0) / 1000;
  const latencyP99Ms = load.latency.p99 / 1000;
  const limitMs = Math.max(LATENESS_FLOOR_MS, LATENESS_SHARE * latencyP99Ms);
  if (latenessP99Ms <= limitMs) return undefined;
  return `schedule missed: send lateness p99 ${ms(latenessP99Ms)} > ${ms(limitMs)} (the larger of ${LATENESS_FLOOR_MS} ms and ${LATENESS_SHARE * 100} % of the latency p99 ${ms(latencyP99Ms)})`;
}

/**
 * True when the load's timing claims survive a late generator: it has thresholds, every timing
 * threshold is a latency upper bound, and all of them held. Latency runs from the intended send
 * time, so without the lateness it could only be smaller: the claims hold for the broker.
 */
function claimsSurviveLateness(load: LoadResult): boolean {
  const timing = load.thresholds.filter((threshold) => threshold.timing === true);
  return (
    timing.length > 0 && timing.every((threshold) => threshold.latencyUpperBound === true && threshold.ok)
  );
}

/** Why a connection storm's figures are the kernel's (empty for other loads or clean counters). */
export function kernelProblems(load: LoadResult): string[] {
  const kernel = load.kernel;
  if (kernel === undefined || load.executor !== 'connection-storm') return [];
  if (kernel.listenOverflows === 0 && kernel.synRetransmits === 0) return [];
  return [
    `kernel turned connections away during the storm: ${kernel.listenOverflows} listen-queue overflows, ${kernel.synRetransmits} SYN retransmits (connect times include the SYN retry timer; counters are machine-wide)`,
  ];
}

/**
 * Why the load's clients did not all connect (undefined when they did), with the first error. In a
 * connection storm the kernel turned connections away from (kernelProblems) the refusals are the
 * kernel's, and `kernel` says so: the load is then inconclusive with this reason beside that one.
 */
export function connectionProblem(load: LoadResult): string | undefined {
  const connections = load.connections;
  if (connections === undefined || connections.failed === 0) return undefined;
  const first = load.errorMessages?.[0];
  return `connections failed: ${connections.failed} of ${connections.attempted}${first === undefined ? '' : ` (first error: ${first})`}`;
}

/**
 * Sets `verdict`, `reason` and `inconclusive` from the result's own figures (thresholds already
 * evaluated) and the problems the caller knows of: `failures` (the run broke: setup, workers) and
 * `inconclusive` (reasons found elsewhere, e.g. merged runs that were inconclusive).
 */
export function judgeLoad(
  load: LoadResult,
  known: { failures?: readonly string[]; inconclusive?: readonly string[] } = {},
): LoadResult {
  const kernel = kernelProblems(load);
  const refused = connectionProblem(load);
  const failures = [
    ...(known.failures ?? []),
    ...(refused !== undefined && kernel.length === 0 ? [refused] : []),
    ...load.delivery
      .filter((verdict) => !verdict.ok)
      .map((verdict) => `QoS ${verdict.qos}: lost ${verdict.lost}, duplicated ${verdict.duplicated}`),
  ];
  const timingMisses: string[] = [];
  for (const threshold of load.thresholds) {
    if (threshold.ok) continue;
    const text = `threshold '${threshold.expression}' not met (actual ${Number(threshold.actual.toPrecision(6))}${threshold.unit ?? ''})`;
    (threshold.timing === true ? timingMisses : failures).push(text);
  }
  const lateness = latenessProblem(load);
  const latenessIsCaveat = lateness !== undefined && !load.generator.saturated && claimsSurviveLateness(load);
  // A lateness that is no caveat only because the generator is saturated says so: the same
  // lateness under a lower bar (a load with no upper-bound claims) reads the same otherwise.
  const saturatedLateness =
    lateness !== undefined && load.generator.saturated && claimsSurviveLateness(load)
      ? `${lateness}; the generator is saturated (send lateness p99 over ${LATE_SEND_MS} ms), so the broker was not offered the intended load and the bounds that held are no verdict on it`
      : undefined;
  const untrusted = unique([
    ...(known.inconclusive ?? []),
    ...scheduleProblems(load)
      .filter((problem) => !(latenessIsCaveat && problem === lateness))
      .map((problem) =>
        problem === lateness && saturatedLateness !== undefined ? saturatedLateness : problem,
      ),
    ...kernel,
    ...(refused !== undefined && kernel.length > 0 ? [refused] : []),
  ]);
  delete load.reason;
  delete load.inconclusive;
  delete load.caveats;
  if (latenessIsCaveat) {
    load.caveats = [
      `${lateness}: the latency figures are upper bounds of the broker's; every timing threshold is a latency upper bound that held, so it holds for the broker too`,
    ];
  }
  if (untrusted.length > 0) load.inconclusive = untrusted;
  if (failures.length > 0) {
    load.verdict = 'failed';
    load.reason = [...failures, ...timingMisses, ...untrusted].join('; ');
  } else if (untrusted.length > 0) {
    load.verdict = 'inconclusive';
    load.reason = [...untrusted, ...timingMisses].join('; ');
  } else if (timingMisses.length > 0) {
    load.verdict = 'failed';
    load.reason = timingMisses.join('; ');
  } else {
    load.verdict = 'passed';
  }
  return load;
}

/** Adds a reason found after the load ran (a profile's measured effect): passed becomes inconclusive. */
export function addInconclusive(load: LoadResult, reason: string): void {
  if (load.inconclusive?.includes(reason)) return;
  load.inconclusive = [...(load.inconclusive ?? []), reason];
  if (load.verdict === 'passed') load.verdict = 'inconclusive';
  load.reason = load.reason === undefined ? reason : `${load.reason}; ${reason}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
}

function ms(value: number): string {
  return `${Number(value.toPrecision(3))} ms`;
}
