// `harness bench sweep <preset>`: the preset's clients and topics with a rate sweep instead of
// one fixed rate. The flags (--start, --factor, --rates, --steps, --max-rate, --step-duration,
// --warmup, --slo, --repeat) become the rate-sweep keys; everything else is the preset's.
import type { LoadSection } from '../schema.js';
import { SWEEP_DEFAULTS, type RateSweepSection } from './sweep.js';

export interface SweepFlags {
  start?: number;
  factor?: number;
  rates?: number[];
  steps?: number;
  maxRate?: number;
  stepDuration?: string;
  warmup?: string;
  /** `p99=20ms`, `p50=5ms`, `p999=100ms`, `delivered=0.995`; several allowed. */
  slo?: string[];
  repeat?: number;
}

/** The first rate when neither --start nor --rates is given. */
export const DEFAULT_START_RATE = 500;

const SLO_KEYS = ['p50', 'p99', 'p999', 'delivered'] as const;

/** Parses `--slo` items into the section's `slo`; every bad item is reported. */
export function parseSlo(items: readonly string[]): { slo: RateSweepSection['slo']; errors: string[] } {
  const slo: NonNullable<RateSweepSection['slo']> = {};
  const errors: string[] = [];
  for (const item of items.flatMap((text) => text.split(','))) {
    const match = /^\s*(\w+)\s*[=<]\s*(.+?)\s*$/.exec(item);
    const key = match?.[1] as (typeof SLO_KEYS)[number] | undefined;
    const value = match?.[2];
    if (key === undefined || value === undefined || !SLO_KEYS.includes(key)) {
      errors.push(`--slo '${item}': expected ${SLO_KEYS.join('|')}=VALUE, e.g. p99=20ms`);
      continue;
    }
    if (key === 'delivered') {
      const ratio = value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : Number(value);
      if (!(ratio > 0 && ratio <= 1)) errors.push(`--slo '${item}': delivered is a ratio in (0, 1] or a %`);
      else slo.delivered = ratio;
      continue;
    }
    if (!/^\d+(\.\d+)?\s*(us|µs|ms|s)$/.test(value))
      errors.push(`--slo '${item}': a latency needs a unit (20ms, 500us, 1s)`);
    else slo[key] = value;
  }
  return { slo, errors };
}

/** The preset's section as a rate sweep; undefined for a preset that has no rate (conn-storm). */
export function sweepSection(preset: LoadSection, flags: SweepFlags): RateSweepSection | undefined {
  if (!('publishers' in preset) || preset.executor === 'rate-sweep') return undefined;
  const { slo } = parseSlo(flags.slo ?? []);
  const common = {
    publishers: preset.publishers,
    ...(preset.subscribers !== undefined && { subscribers: preset.subscribers }),
    ...(preset.workers !== undefined && { workers: preset.workers }),
    ...(preset.connectRate !== undefined && { connectRate: preset.connectRate }),
    ...('maxInflight' in preset && preset.maxInflight !== undefined && { maxInflight: preset.maxInflight }),
  };
  const rates =
    flags.rates !== undefined
      ? { rates: flags.rates }
      : {
          startRate: flags.start ?? DEFAULT_START_RATE,
          factor: flags.factor ?? SWEEP_DEFAULTS.factor,
          ...(flags.steps !== undefined && { maxSteps: flags.steps }),
          ...(flags.maxRate !== undefined && { maxRate: flags.maxRate }),
        };
  return {
    executor: 'rate-sweep',
    ...rates,
    ...(flags.stepDuration !== undefined && { stepDuration: flags.stepDuration }),
    ...(flags.warmup !== undefined && { warmup: flags.warmup }),
    ...(slo !== undefined && Object.keys(slo).length > 0 && { slo }),
    ...(flags.repeat !== undefined && { repeat: flags.repeat }),
    ...common,
  };
}
