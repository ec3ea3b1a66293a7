// One sweep step judged from its load run: the measured window's figures, then the knee rules.
//
// The measured window is the whole one-second intervals of the run (harness/load/aggregate.ts)
// that start at or after the warm-up and before the step's end. The generator is judged per second:
// a second in which more than 1 % of the sends left more than 50 ms after they were due
// (LoadInterval.lateSends, LATE_SEND_MS) is a second the generator did not keep, and so is the
// second before it (its last sends may have slipped into the late one); both are left out of the
// figures. The step's rate, delivered rate and latency (the merge of the kept seconds'
// histograms, by delivery time) come from the kept seconds only. Drops, errors and delivery
// verdicts are the whole step's: a message lost in the warm-up is lost.
//
// Rules, in this order (the first that applies gives the reason):
//   inconclusive  the run could not run or finish (setup, worker failure); its clients could not
//                 connect; nothing was measured; or the generator missed its schedule in every
//                 measured second. Nothing is said of the broker at this rate.
//   knee          the broker stopped keeping up, judged on the kept seconds: errors; a delivery
//                 verdict not ok (QoS 1/2 loss, QoS 2 duplicates); delivered below `delivered`
//                 (0.99) of what the offered rate should deliver, by more than the EDGE_SLACK
//                 messages a window edge can shift; a latency percentile over the SLO.
//   inconclusive  no knee, but the generator missed more than half of the measured seconds: the few
//                 it kept are too little to call the rate sustainable.
//   ok            none of the above (SweepStep.generatorLateSeconds counts the seconds left out).
// The whole run's schedule verdict (harness/load/verdict.ts: lateness against the latency p99) is
// not used: one late second must not void the others, and a broker that stops keeping up in the
// seconds the generator kept is a knee whatever the generator did in the rest.
import type { LoadInterval, LoadResult } from '../../result/index.js';
import type { SweepBrokerUsage, SweepSlo, SweepStep } from '../../result/index.js';
import { encodeHistogram, mergeEncoded } from '../histogram.js';
import { LATE_SEND_MS } from '../measurements.js';

/** Messages a window edge may shift (per copy of a message) before a shortfall counts. */
export const EDGE_SLACK = 2;
/** A second is late when more than this share of its sends were late (send lateness p99 over LATE_SEND_MS). */
export const LATE_SHARE = 0.01;
/** An ok step needs at least this share of its measured seconds kept by the generator. */
export const MIN_KEPT_SHARE = 0.5;

export interface StepInput {
  index: number;
  offeredRate: number;
  warmupMs: number;
  stepMs: number;
  slo: SweepSlo;
  broker?: SweepBrokerUsage;
}

/**
 * Whether the generator missed its schedule in this second. A result written before intervals
 * counted late sends falls back on the whole run's `generator.saturated`.
 */
export function secondLate(interval: LoadInterval, result: LoadResult): boolean {
  if (interval.lateSends === undefined) return result.generator.saturated;
  return interval.lateSends > LATE_SHARE * interval.sent;
}

/** The step's figures from its LoadResult and the verdict the rules give. */
export function judgeStep(result: LoadResult, input: StepInput): SweepStep {
  const windowEnd = input.warmupMs + input.stepMs;
  const window = result.intervals.filter(
    (interval) =>
      interval.startMs >= input.warmupMs && interval.startMs < windowEnd && interval.durationMs >= 500,
  );
  // A second before a late one is not kept either: sends due at its end may have left in the next
  // second (counted late there), so it sent, and delivered, less than the schedule asked.
  const next = (interval: LoadInterval) =>
    result.intervals.find((candidate) => candidate.startMs === interval.startMs + 1000);
  const kept = window.filter((interval) => {
    const after = next(interval);
    return !secondLate(interval, result) && !(after !== undefined && secondLate(after, result));
  });
  const measuredMs = kept.reduce((sum, interval) => sum + interval.durationMs, 0);
  const seconds = Math.max(measuredMs, 1) / 1000;
  const histogram = mergeEncoded(kept.map((interval) => interval.histogram));
  const sent = kept.reduce((sum, interval) => sum + interval.sent, 0);
  const received = kept.reduce((sum, interval) => sum + interval.received, 0);
  // Copies each sent message should make (fan-out, pairs): the whole step's expected per sent.
  const expected = result.delivery.reduce((sum, verdict) => sum + verdict.expected, 0);
  const copies = result.sent > 0 ? expected / result.sent : 0;
  const late = window.length - kept.length;
  const step: SweepStep = {
    index: input.index,
    offeredRate: input.offeredRate,
    sentRate: round(sent / seconds),
    deliveredRate: round(received / seconds),
    expectedRate: round(input.offeredRate * copies),
    warmupMs: input.warmupMs,
    measuredMs,
    latencyUs: {
      p50: histogram.getValueAtPercentile(50),
      p99: histogram.getValueAtPercentile(99),
      p999: histogram.getValueAtPercentile(99.9),
      max: histogram.maxValue,
    },
    latencySamples: histogram.totalCount,
    drops: result.dropped,
    errors: result.errors,
    delivery: result.delivery,
    generatorSaturated: window.length > 0 && kept.length === 0,
    ...(late > 0 && { generatorLateSeconds: late }),
    ...(input.broker !== undefined && { broker: input.broker }),
    ...(histogram.totalCount > 0 && { histogram: encodeHistogram(histogram) }),
    verdict: 'ok',
  };
  const verdict = rules(result, step, input.slo, window.length);
  if (verdict !== undefined) {
    step.verdict = verdict.verdict;
    step.reason = verdict.reason;
  }
  return step;
}

type Verdict = { verdict: 'knee' | 'inconclusive'; reason: string };

function rules(
  result: LoadResult,
  step: SweepStep,
  slo: SweepSlo,
  windowSeconds: number,
): Verdict | undefined {
  const late = step.generatorLateSeconds ?? 0;
  const unmeasured = unmeasuredReason(result, step, windowSeconds);
  if (unmeasured !== undefined) return { verdict: 'inconclusive', reason: unmeasured };
  const knee = kneeReason(result, step, slo);
  if (knee !== undefined)
    return {
      verdict: 'knee',
      reason: late > 0 ? `${knee} (in the ${step.measuredMs / 1000} s the generator kept)` : knee,
    };
  if (late > 0 && windowSeconds - late < MIN_KEPT_SHARE * windowSeconds)
    return {
      verdict: 'inconclusive',
      reason:
        `generator late in ${late} of ${windowSeconds} measured seconds (${lateText(result)}): ` +
        'the seconds it kept are too few to call this rate sustainable',
    };
  return undefined;
}

/** Why nothing can be said of the broker at this rate (undefined when something can). */
function unmeasuredReason(result: LoadResult, step: SweepStep, windowSeconds: number): string | undefined {
  // A run-level reason other than delivery, thresholds and the whole run's schedule verdict
  // (judged per second here) means the run itself broke.
  const known = new Set(result.inconclusive ?? []);
  const broken = result.reason
    ?.split('; ')
    .find((part) => !part.startsWith('QoS ') && !part.startsWith('threshold ') && !known.has(part));
  if (broken !== undefined) return `the step did not run through: ${broken}`;
  const connections = result.connections;
  if (connections !== undefined && connections.failed > 0)
    return `${connections.failed} of ${connections.attempted} clients could not connect${firstError(result)}`;
  if (windowSeconds === 0) return `no whole second was measured after the warm-up${firstError(result)}`;
  if (step.generatorSaturated)
    return (
      `generator saturated: late in all ${windowSeconds} measured seconds (${lateText(result)}): ` +
      'the generator, not the broker, could not keep this rate'
    );
  return undefined;
}

/** Why the broker did not keep up in the kept seconds (undefined when it did). */
function kneeReason(result: LoadResult, step: SweepStep, slo: SweepSlo): string | undefined {
  if (step.errors > 0) return `${step.errors} errors${firstError(result)}`;
  const failed = step.delivery.find((verdict) => !verdict.ok);
  if (failed !== undefined) return `QoS ${failed.qos}: lost ${failed.lost}, duplicated ${failed.duplicated}`;
  // A window edge moves a message or two in or out of the window when the machine stalls (at
  // 30 msg/s one message is 3 %): a shortfall within EDGE_SLACK messages per copy is not a knee.
  const copies = step.offeredRate > 0 ? Math.max(1, step.expectedRate / step.offeredRate) : 1;
  const shortfall = ((step.expectedRate - step.deliveredRate) * step.measuredMs) / 1000;
  if (
    step.expectedRate > 0 &&
    step.deliveredRate < step.expectedRate * slo.minDeliveredRatio &&
    shortfall > EDGE_SLACK * copies
  )
    return (
      `delivered ${percent(step.deliveredRate / step.expectedRate)} of offered ` +
      `(${step.deliveredRate}/s of ${step.expectedRate}/s; SLO ≥ ${percent(slo.minDeliveredRatio)})`
    );
  for (const key of ['p50', 'p99', 'p999'] as const) {
    const limit = slo[`${key}Us`];
    const value = step.latencyUs[key];
    if (limit !== undefined && value > limit)
      return `${key} ${ms(value)} > SLO ${ms(limit)} (${step.latencySamples} samples)`;
  }
  return undefined;
}

function lateText(result: LoadResult): string {
  return `more than ${LATE_SHARE * 100} % of sends over ${LATE_SEND_MS} ms late; whole step send lateness p99 ${result.generator.sendLatenessP99Ms ?? '?'} ms`;
}

function firstError(result: LoadResult): string {
  const first = result.errorMessages?.[0];
  return first === undefined ? '' : ` (first: ${first})`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

function ms(us: number): string {
  return `${Math.round(us / 100) / 10} ms`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
