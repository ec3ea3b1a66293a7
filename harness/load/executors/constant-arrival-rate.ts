// constant-arrival-rate: `rate` messages per second for `duration`, whatever the broker does.
import type { LoadSection } from '../schema.js';
import { durationMs, parseDuration } from '../duration.js';
import { runOpenLoop } from './open-loop.js';
import type { Executor, ExecutorContext, ExecutorPlan } from './types.js';

export const constantArrivalRate: Executor = {
  type: 'constant-arrival-rate',
  validate(section: LoadSection): string[] {
    const errors: string[] = [];
    if (section.rate === undefined || section.rate <= 0)
      errors.push('constant-arrival-rate: `rate` (messages per second, > 0) is required');
    if (section.duration === undefined || (parseDuration(section.duration) ?? 0) <= 0)
      errors.push('constant-arrival-rate: `duration` (> 0) is required');
    if ((section.publishers?.count ?? 0) === 0)
      errors.push('constant-arrival-rate: `publishers.count` must be at least 1');
    return errors;
  },
  plan(section: LoadSection): ExecutorPlan {
    const rate = section.rate ?? 0;
    const duration = durationMs(section.duration, 0);
    return { durationMs: duration, intended: Math.floor((rate * duration) / 1000), settings: { rate } };
  },
  run(context: ExecutorContext): Promise<void> {
    const rate = Number(context.plan.settings['rate']);
    return runOpenLoop(
      context,
      { total: context.plan.intended ?? 0, timeOf: (n) => (n * 1000) / rate },
      durationMs(context.section.tick, 0),
    );
  },
};
