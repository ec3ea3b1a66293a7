// closed-loop: as fast as the broker allows, with `window` messages in flight per publisher, for
// `duration`. Finds the maximum sustainable rate.
import { Type, type Static } from '@sinclair/typebox';
import { durationMs } from '../duration.js';
import { CLIENT_KEYS, Duration, executorSchema, WARMUP_KEYS, warmupMs } from '../section-parts.js';
import { runWindowed } from './windowed.js';
import { defineExecutor, type ExecutorPlan } from './types.js';

export const ClosedLoopSection = executorSchema(
  'closed-loop',
  {
    duration: Duration,
    ...WARMUP_KEYS,
    window: Type.Optional(
      Type.Integer({ minimum: 1, description: 'messages in flight per publisher (default 10)' }),
    ),
    ...CLIENT_KEYS,
  },
  'closed model: each publisher keeps `window` messages in flight for `duration` (maximum rate)',
);
export type ClosedLoopSection = Static<typeof ClosedLoopSection>;

export interface ClosedLoopPlan extends ExecutorPlan {
  window: number;
}

export const closedLoop = defineExecutor({
  schema: ClosedLoopSection,
  validate: (section) => (durationMs(section.duration, 0) > 0 ? [] : ['closed-loop: `duration` must be > 0']),
  plan: (section): ClosedLoopPlan => ({
    durationMs: durationMs(section.duration, 0),
    intended: undefined,
    openEnded: false,
    connections: 0,
    peakRate: undefined,
    window: section.window ?? 10,
  }),
  warmup(section) {
    const ms = warmupMs(section);
    return ms > 0 ? { durationMs: ms, section: { ...section, duration: ms, warmup: 0 } } : undefined;
  },
  run: (context, plan) =>
    runWindowed(context, { window: plan.window, perPublisher: Infinity, durationMs: plan.durationMs }),
});
