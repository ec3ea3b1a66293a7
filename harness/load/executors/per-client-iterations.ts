// per-client-iterations: every publisher sends exactly `iterations` messages, `window` in flight
// (default 1: each waits for the previous PUBACK/PUBCOMP), bounded by `duration` (default 10 min).
import { Type, type Static } from '@sinclair/typebox';
import { durationMs } from '../duration.js';
import { CLIENT_KEYS, durationSchema, executorSchema } from '../section-parts.js';
import { runWindowed } from './windowed.js';
import { defineExecutor, type ExecutorPlan } from './types.js';

export const PerClientIterationsSection = executorSchema(
  'per-client-iterations',
  {
    iterations: Type.Integer({ minimum: 1, description: 'messages per publisher' }),
    window: Type.Optional(
      Type.Integer({ minimum: 1, description: 'messages in flight per publisher (default 1)' }),
    ),
    duration: Type.Optional(durationSchema('upper bound of the run (default 10 min)')),
    ...CLIENT_KEYS,
  },
  'closed model: exactly `iterations` messages per publisher, `window` in flight',
);
export type PerClientIterationsSection = Static<typeof PerClientIterationsSection>;

export interface PerClientIterationsPlan extends ExecutorPlan {
  intended: number;
  iterations: number;
  window: number;
}

export const perClientIterations = defineExecutor({
  schema: PerClientIterationsSection,
  plan: (section): PerClientIterationsPlan => ({
    durationMs: durationMs(section.duration, 600_000),
    intended: section.iterations * section.publishers.count,
    openEnded: true,
    connections: 0,
    peakRate: undefined,
    iterations: section.iterations,
    window: section.window ?? 1,
  }),
  run: (context, plan) =>
    runWindowed(context, { window: plan.window, perPublisher: plan.iterations, durationMs: plan.durationMs }),
});
