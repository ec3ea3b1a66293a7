// One sweep step judged from its load run: the measured window's figures, then the knee rules.
//
// The measured window is the whole one-second intervals of the run (harness/load/aggregate.ts)
// that start at or after the warm-up and before the step's end; latency is the merge of their
// histograms (by delivery time: a message sent just before the window and delivered in it counts).
// Drops, errors and delivery verdicts are the whole step's: a message lost in the warm-up is lost.
//
// Rules, in this order (the first that applies gives the reason):
//   inconclusive  the run could not run or finish (setup, worker failure); the generator could not
//                 keep its schedule (send lateness p99 > 50 ms: generator.saturated); or nothing
//                 was measured. Nothing is said of the broker at this rate.
//   knee          errors; a delivery verdict not ok (QoS 1/2 loss, QoS 2 duplicates); delivered
//                 below `delivered` (0.99) of what the offered rate should deliver, by more than
//                 the EDGE_SLACK messages a window edge can shift; a latency percentile over the SLO.
//   ok            none of the above.
import type { LoadResult } from '../../result/index.js';
import type { SweepBrokerUsage, SweepSlo, SweepStep } from '../../result/index.js';
import { encodeHistogram, mergeEncoded } from '../histogram.js';

/** Messages a window edge may shift (per copy of a message) before a shortfall counts. */
export const EDGE_SLACK = 2;

export interface StepInput {
  index: number;
  offeredRate: number;
  warmupMs: number;
  stepMs: number;
  slo: SweepSlo;
  broker?: SweepBrokerUsage;
}

/** The step's figures from its LoadResult and the verdict the rules give. */
export function judgeStep(result: LoadResult, input: StepInput): SweepStep {
  const windowEnd = input.warmupMs + input.stepMs;
  const window = result.intervals.filter(
    (interval) =>
      interval.startMs >= input.warmupMs && interval.startMs < windowEnd && interval.durationMs >= 500,
  );
  const measuredMs = window.reduce((sum, interval) => sum + interval.durationMs, 0);
  const seconds = Math.max(measuredMs, 1) / 1000;
  const histogram = mergeEncoded(window.map((interval) => interval.histogram));
  const sent = window.reduce((sum, interval) => sum + interval.sent, 0);
  const received = window.reduce((sum, interval) => sum + interval.received, 0);
  // Copies each sent message should make (fan-out, pairs): the whole step's expected per sent.
  const expected = result.delivery.reduce((sum, verdict) => sum + verdict.expected, 0);
  const copies = result.sent > 0 ? expected / result.sent : 0;
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
    generatorSaturated: result.generator.saturated,
    ...(input.broker !== undefined && { broker: input.broker }),
    ...(histogram.totalCount > 0 && { histogram: encodeHistogram(histogram) }),
    verdict: 'ok',
  };
  const verdict = rules(result, step, input.slo);
  if (verdict !== undefined) {
    step.verdict = verdict.verdict;
    step.reason = verdict.reason;
  }
  return step;
}

function rules(
  result: LoadResult,
  step: SweepStep,
  slo: SweepSlo,
): { verdict: 'knee' | 'inconclusive'; reason: string } | undefined {
  const inconclusive = (reason: string) => ({ verdict: 'inconclusive' as const, reason });
  const knee = (reason: string) => ({ verdict: 'knee' as const, reason });
  // A run-level reason other than the ones below (delivery, thresholds) means the run itself broke.
  const broken = result.reason
    ?.split('; ')
    .find((part) => !part.startsWith('QoS ') && !part.startsWith('threshold '));
  if (broken !== undefined) return inconclusive(`the step did not run through: ${broken}`);
  if (step.generatorSaturated)
    return inconclusive(
      `generator saturated (send lateness p99 ${result.generator.sendLatenessP99Ms ?? '?'} ms): ` +
        'the generator, not the broker, could not keep this rate',
    );
  if (step.measuredMs === 0)
    return inconclusive(`no whole second was measured after the warm-up${firstError(result)}`);
  if (step.errors > 0) return knee(`${step.errors} errors${firstError(result)}`);
  const failed = step.delivery.find((verdict) => !verdict.ok);
  if (failed !== undefined)
    return knee(`QoS ${failed.qos}: lost ${failed.lost}, duplicated ${failed.duplicated}`);
  // A window edge moves a message or two in or out of the window when the machine stalls (at
  // 30 msg/s one message is 3 %): a shortfall within EDGE_SLACK messages per copy is not a knee.
  const copies = step.offeredRate > 0 ? Math.max(1, step.expectedRate / step.offeredRate) : 1;
  const shortfall = ((step.expectedRate - step.deliveredRate) * step.measuredMs) / 1000;
  if (
    step.expectedRate > 0 &&
    step.deliveredRate < step.expectedRate * slo.minDeliveredRatio &&
    shortfall > EDGE_SLACK * copies
  )
    return knee(
      `delivered ${percent(step.deliveredRate / step.expectedRate)} of offered ` +
        `(${step.deliveredRate}/s of ${step.expectedRate}/s; SLO ≥ ${percent(slo.minDeliveredRatio)})`,
    );
  for (const key of ['p50', 'p99', 'p999'] as const) {
    const limit = slo[`${key}Us`];
    const value = step.latencyUs[key];
    if (limit !== undefined && value > limit)
      return knee(`${key} ${ms(value)} > SLO ${ms(limit)} (${step.latencySamples} samples)`);
  }
  return undefined;
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
