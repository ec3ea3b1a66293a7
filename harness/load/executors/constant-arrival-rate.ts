// constant-arrival-rate: `rate` messages per second for `duration`, whatever the broker does.
import { Type, type Static } from '@sinclair/typebox';
import { durationMs } from '../duration.js';
import {
  CLIENT_KEYS,
  Duration,
  executorSchema,
  OPEN_LOOP_KEYS,
  WARMUP_KEYS,
  warmupMs,
} from '../section-parts.js';
import { ConstantRateSchedule, runOpenLoop } from './open-loop.js';
import { defineExecutor, type ExecutorPlan } from './types.js';

export const ConstantArrivalRateSection = executorSchema(
  'constant-arrival-rate',
  {
    rate: Type.Number({ exclusiveMinimum: 0, description: 'messages per second for the whole run' }),
    duration: Duration,
    ...WARMUP_KEYS,
    ...OPEN_LOOP_KEYS,
    ...CLIENT_KEYS,
  },
  'open model: `rate` messages per second for `duration`; late messages are dropped, not queued',
);
export type ConstantArrivalRateSection = Static<typeof ConstantArrivalRateSection>;

export interface ConstantArrivalRatePlan extends ExecutorPlan {
  intended: number;
  rate: number;
  tickMs: number;
}

export const constantArrivalRate = defineExecutor({
  schema: ConstantArrivalRateSection,
  validate: (section) =>
    durationMs(section.duration, 0) > 0 ? [] : ['constant-arrival-rate: `duration` must be > 0'],
  plan(section): ConstantArrivalRatePlan {
    const duration = durationMs(section.duration, 0);
    return {
      durationMs: duration,
      intended: Math.floor((section.rate * duration) / 1000),
      openEnded: false,
      connections: 0,
      peakRate: section.rate,
      rate: section.rate,
      tickMs: durationMs(section.tick, 0),
    };
  },
  // The warm-up runs at the schedule's rate.
  warmup(section) {
    const ms = warmupMs(section);
    return ms > 0 ? { durationMs: ms, section: { ...section, duration: ms, warmup: 0 } } : undefined;
  },
  run: (context, plan) =>
    runOpenLoop(context, new ConstantRateSchedule(plan.intended, plan.rate), plan.tickMs),
});
