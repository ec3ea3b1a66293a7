// ramping-arrival-rate: the rate moves linearly from one stage target to the next, starting at
// `startRate`. Message n is due when the integral of the rate reaches n.
import type { LoadSection } from '../schema.js';
import { durationMs, parseDuration } from '../duration.js';
import { runOpenLoop } from './open-loop.js';
import type { Executor, ExecutorContext, ExecutorPlan } from './types.js';

interface Segment {
  startMs: number;
  durationMs: number;
  fromRate: number;
  toRate: number;
  /** Messages due before this segment. */
  before: number;
}

export function segments(
  startRate: number,
  stages: readonly { durationMs: number; target: number }[],
): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  let rate = startRate;
  let before = 0;
  for (const stage of stages) {
    out.push({ startMs: at, durationMs: stage.durationMs, fromRate: rate, toRate: stage.target, before });
    before += ((rate + stage.target) / 2) * (stage.durationMs / 1000);
    at += stage.durationMs;
    rate = stage.target;
  }
  return out;
}

/** Time (ms from start) at which the cumulative count reaches n. */
export function timeOfMessage(all: readonly Segment[], n: number): number {
  for (const segment of all) {
    const count = ((segment.fromRate + segment.toRate) / 2) * (segment.durationMs / 1000);
    if (n >= segment.before + count) continue;
    const k = n - segment.before; // messages into this segment
    const seconds = segment.durationMs / 1000;
    const slope = (segment.toRate - segment.fromRate) / seconds; // msgs/s²
    // k = from*t + slope*t²/2
    const t =
      Math.abs(slope) < 1e-12
        ? k / segment.fromRate
        : (-segment.fromRate + Math.sqrt(segment.fromRate ** 2 + 2 * slope * k)) / slope;
    return segment.startMs + t * 1000;
  }
  return Infinity;
}

export const rampingArrivalRate: Executor = {
  type: 'ramping-arrival-rate',
  validate(section: LoadSection): string[] {
    const errors: string[] = [];
    if (section.stages === undefined || section.stages.length === 0)
      errors.push('ramping-arrival-rate: `stages` (list of {duration, target}) is required');
    for (const [index, stage] of (section.stages ?? []).entries()) {
      if (parseDuration(stage.duration) === undefined)
        errors.push(`ramping-arrival-rate: stages[${index}].duration is not a duration`);
    }
    if (section.duration !== undefined)
      errors.push('ramping-arrival-rate: `duration` is the sum of the stages; remove it');
    if ((section.publishers?.count ?? 0) === 0)
      errors.push('ramping-arrival-rate: `publishers.count` must be at least 1');
    return errors;
  },
  plan(section: LoadSection): ExecutorPlan {
    const stages = (section.stages ?? []).map((stage) => ({
      durationMs: durationMs(stage.duration, 0),
      target: stage.target,
    }));
    const startRate = section.startRate ?? 0;
    const all = segments(startRate, stages);
    const duration = stages.reduce((sum, stage) => sum + stage.durationMs, 0);
    const last = all[all.length - 1];
    const total =
      last === undefined ? 0 : last.before + ((last.fromRate + last.toRate) / 2) * (last.durationMs / 1000);
    return { durationMs: duration, intended: Math.ceil(total - 1e-9), settings: { startRate, stages } };
  },
  run(context: ExecutorContext): Promise<void> {
    const stages = context.plan.settings['stages'] as { durationMs: number; target: number }[];
    const all = segments(Number(context.plan.settings['startRate']), stages);
    return runOpenLoop(
      context,
      { total: context.plan.intended ?? 0, timeOf: (n) => timeOfMessage(all, n) },
      durationMs(context.section.tick, 0),
    );
  },
};
