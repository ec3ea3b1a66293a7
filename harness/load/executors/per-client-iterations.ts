// per-client-iterations: every publisher sends exactly `iterations` messages, `window` in flight
// (default 1: each waits for the previous PUBACK/PUBCOMP), bounded by `duration` (default 10 min).
import type { LoadSection } from '../schema.js';
import { durationMs } from '../duration.js';
import { runWindowed } from './windowed.js';
import type { Executor, ExecutorContext, ExecutorPlan } from './types.js';

export const perClientIterations: Executor = {
  type: 'per-client-iterations',
  validate(section: LoadSection): string[] {
    const errors: string[] = [];
    if (section.iterations === undefined)
      errors.push('per-client-iterations: `iterations` (messages per publisher) is required');
    if ((section.publishers?.count ?? 0) === 0)
      errors.push('per-client-iterations: `publishers.count` must be at least 1');
    if (section.rate !== undefined) errors.push('per-client-iterations: `rate` does not apply');
    return errors;
  },
  plan(section: LoadSection): ExecutorPlan {
    const iterations = section.iterations ?? 0;
    return {
      durationMs: durationMs(section.duration, 600_000),
      intended: iterations * (section.publishers?.count ?? 0),
      settings: { iterations, window: section.window ?? 1 },
    };
  },
  run(context: ExecutorContext): Promise<void> {
    const { iterations, window } = context.plan.settings as { iterations: number; window: number };
    return runWindowed(context, { window, perPublisher: iterations, durationMs: context.plan.durationMs });
  },
};
