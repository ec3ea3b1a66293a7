// Activity windows of a scheduled toxic, in ms since the profile was applied.
import type { Schedule } from './schema.js';

/** Whether the toxic is active at time t. */
export function isActive(schedule: Schedule | undefined, t: number): boolean {
  return activeUntil(schedule, t) !== undefined;
}

/** End of the active window containing t (Infinity when open-ended), or undefined when inactive. */
export function activeUntil(schedule: Schedule | undefined, t: number): number | undefined {
  if (!schedule) return Infinity;
  const from = schedule.from ?? 0;
  const until = schedule.until ?? Infinity;
  if (t < from || t >= until) return undefined;
  if (schedule.every !== undefined && schedule.for !== undefined) {
    const phase = (t - from) % schedule.every;
    if (phase >= schedule.for) return undefined;
    return Math.min(t - phase + schedule.for, until);
  }
  if (schedule.for !== undefined) {
    const end = Math.min(from + schedule.for, until);
    return t < end ? end : undefined;
  }
  return until;
}

/** Next time ≥ t at which the toxic becomes active (t itself when active), or undefined. */
export function nextActivation(schedule: Schedule | undefined, t: number): number | undefined {
  if (!schedule) return t;
  if (isActive(schedule, t)) return t;
  const from = schedule.from ?? 0;
  const until = schedule.until ?? Infinity;
  if (t < from) return from < until ? from : undefined;
  if (schedule.every !== undefined) {
    const next = from + Math.ceil((t - from) / schedule.every) * schedule.every;
    return next < until ? next : undefined;
  }
  return undefined;
}
