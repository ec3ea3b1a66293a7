// ramping-arrival-rate: the rate moves linearly from one stage target to the next, starting at
// `startRate`. Message n is due when the integral of the rate reaches n.
import { Type, type Static } from '@sinclair/typebox';
import { durationMs } from '../duration.js';
import {
  CLIENT_KEYS,
  executorSchema,
  OPEN_LOOP_KEYS,
  Stage,
  WARMUP_KEYS,
  warmupMs,
} from '../section-parts.js';
import { runOpenLoop, type Schedule } from './open-loop.js';
import { defineExecutor, type ExecutorPlan } from './types.js';

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

/** The ramp's schedule (a class: the send loop calls the same timeOf in every run). */
class RampSchedule implements Schedule {
  constructor(
    readonly total: number,
    private readonly all: readonly Segment[],
  ) {}

  timeOf(n: number): number {
    return timeOfMessage(this.all, n);
  }
}

export const RampingArrivalRateSection = executorSchema(
  'ramping-arrival-rate',
  {
    startRate: Type.Optional(
      Type.Number({ minimum: 0, description: 'messages per second at the start (default 0)' }),
    ),
    stages: Type.Array(Stage, {
      minItems: 1,
      description: 'the rate moves linearly to each stage target over its duration',
    }),
    ...WARMUP_KEYS,
    ...OPEN_LOOP_KEYS,
    ...CLIENT_KEYS,
  },
  'open model: the rate ramps linearly through `stages` from `startRate`; the run lasts their sum',
);
export type RampingArrivalRateSection = Static<typeof RampingArrivalRateSection>;

export interface RampingArrivalRatePlan extends ExecutorPlan {
  intended: number;
  startRate: number;
  stages: { durationMs: number; target: number }[];
  tickMs: number;
}

export const rampingArrivalRate = defineExecutor({
  schema: RampingArrivalRateSection,
  plan(section): RampingArrivalRatePlan {
    const stages = section.stages.map((stage) => ({
      durationMs: durationMs(stage.duration, 0),
      target: stage.target,
    }));
    const startRate = section.startRate ?? 0;
    const all = segments(startRate, stages);
    const last = all[all.length - 1];
    const total =
      last === undefined ? 0 : last.before + ((last.fromRate + last.toRate) / 2) * (last.durationMs / 1000);
    return {
      durationMs: stages.reduce((sum, stage) => sum + stage.durationMs, 0),
      intended: Math.ceil(total - 1e-9),
      openEnded: false,
      connections: 0,
      peakRate: Math.max(startRate, ...stages.map((stage) => stage.target)),
      startRate,
      stages,
      tickMs: durationMs(section.tick, 0),
    };
  },
  // The warm-up holds the rate the ramp starts from (the first stage's target when it starts from 0).
  warmup(section) {
    const ms = warmupMs(section);
    const rate = section.startRate || (section.stages[0]?.target ?? 0);
    if (ms <= 0 || rate <= 0) return undefined;
    const stages = [{ duration: ms, target: rate }];
    return { durationMs: ms, section: { ...section, startRate: rate, stages, warmup: 0 } };
  },
  run(context, plan): Promise<void> {
    return runOpenLoop(
      context,
      new RampSchedule(plan.intended, segments(plan.startRate, plan.stages)),
      plan.tickMs,
    );
  },
});
