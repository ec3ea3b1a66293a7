// closed-loop: as fast as the broker allows, with `window` messages in flight per publisher, for
// `duration`. Finds the maximum sustainable rate.
import type { LoadSection } from '../schema.js';
import { durationMs, parseDuration } from '../duration.js';
import { runWindowed } from './windowed.js';
import type { Executor, ExecutorContext, ExecutorPlan } from './types.js';

export const closedLoop: Executor = {
  type: 'closed-loop',
  validate(section: LoadSection): string[] {
    const errors: string[] = [];
    if (section.duration === undefined || (parseDuration(section.duration) ?? 0) <= 0)
      errors.push('closed-loop: `duration` (> 0) is required');
    if ((section.publishers?.count ?? 0) === 0)
      errors.push('closed-loop: `publishers.count` must be at least 1');
    if (section.rate !== undefined)
      errors.push('closed-loop: `rate` does not apply (use constant-arrival-rate)');
    return errors;
  },
  plan(section: LoadSection): ExecutorPlan {
    return {
      durationMs: durationMs(section.duration, 0),
      intended: undefined,
      settings: { window: section.window ?? 10 },
    };
  },
  run(context: ExecutorContext): Promise<void> {
    const window = Number(context.plan.settings['window']);
    return runWindowed(context, { window, perPublisher: Infinity, durationMs: context.plan.durationMs });
  },
};
