// rate-sweep: the offered rate climbs step by step (geometric from `startRate` by `factor`, or the
// listed `rates`); each step holds its rate for `warmup` + `stepDuration`. Run by the engine alone,
// it is a staircase of constant arrival rates. The orchestrator runs it one step per load run
// instead (sweep-run.ts), judges each step (sweep-knee.ts) and stops at the knee, `repeat` times.
import { Type, type Static } from '@sinclair/typebox';
import type { SweepSlo } from '../../result/index.js';
import { durationMs } from '../duration.js';
import { CLIENT_KEYS, Duration, durationSchema, executorSchema, OPEN_LOOP_KEYS } from '../section-parts.js';
import { runOpenLoop } from './open-loop.js';
import { defineExecutor, type ExecutorPlan } from './types.js';

export const SWEEP_DEFAULTS = {
  factor: 2,
  maxSteps: 8,
  stepDuration: '5s',
  warmup: '1s',
  minDeliveredRatio: 0.99,
  repeat: 1,
} as const;

const Slo = Type.Object(
  {
    p50: Type.Optional(Duration),
    p99: Type.Optional(Duration),
    p999: Type.Optional(Duration),
    delivered: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'delivered / offered at least this (default 0.99)',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'what a step must meet to be sustainable; latencies from the intended send time',
  },
);

export const RateSweepSection = executorSchema(
  'rate-sweep',
  {
    rates: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
        minItems: 1,
        description: 'offered rates, msg/s, increasing (instead of startRate/factor)',
      }),
    ),
    startRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'first offered rate, msg/s' })),
    factor: Type.Optional(
      Type.Number({ exclusiveMinimum: 1, description: 'each step offers this times the last (default 2)' }),
    ),
    maxSteps: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, description: 'geometric steps at most (default 8)' }),
    ),
    maxRate: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'geometric steps stop at this rate (default: none)' }),
    ),
    stepDuration: Type.Optional(durationSchema('measured time per step, at least 1s (default 5s)')),
    warmup: Type.Optional(durationSchema('time per step before measuring, not measured (default 1s)')),
    slo: Type.Optional(Slo),
    repeat: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 50, description: 'climbs per target × profile (default 1)' }),
    ),
    profiles: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.Object(
          {
            rates: Type.Optional(
              Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
                minItems: 1,
                description: 'offered rates under this profile, msg/s, increasing',
              }),
            ),
            slo: Type.Optional(Slo),
            repeat: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 50, description: 'climbs per target under this profile' }),
            ),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'per network profile (by name): rates, SLO and repeat that replace the sweep’s own under it ' +
            '(a tight SLO for lan, a generous one where the link adds 200 ms)',
        },
      ),
    ),
    ...OPEN_LOOP_KEYS,
    ...CLIENT_KEYS,
  },
  'open model: the offered rate climbs in steps, each warmed up then measured, up to the knee',
);
export type RateSweepSection = Static<typeof RateSweepSection>;

export interface RateSweepPlan extends ExecutorPlan {
  intended: number;
  rates: number[];
  warmupMs: number;
  stepMs: number;
  tickMs: number;
  slo: SweepSlo;
  repeat: number;
}

/**
 * The section as it runs under `profile`: that profile's `profiles` entry (rates, SLO, repeat)
 * replaces the sweep's own keys; without one, the section as given. Either way without `profiles`,
 * so a step's section and the recorded config say what ran.
 */
export function sweepForProfile(section: RateSweepSection, profile: string): RateSweepSection {
  const { profiles, ...rest } = section;
  const override = profiles?.[profile];
  if (override === undefined) return rest;
  const result: RateSweepSection = { ...rest };
  if (override.rates !== undefined) {
    delete result.startRate;
    delete result.factor;
    delete result.maxSteps;
    delete result.maxRate;
    result.rates = [...override.rates];
  }
  if (override.slo !== undefined) result.slo = { ...override.slo };
  if (override.repeat !== undefined) result.repeat = override.repeat;
  return result;
}

/** The offered rates: the list as given, or geometric steps (rounded to 0.01 msg/s). */
export function sweepRates(section: RateSweepSection): number[] {
  if (section.rates !== undefined) return [...section.rates];
  const start = section.startRate ?? 0;
  const factor = section.factor ?? SWEEP_DEFAULTS.factor;
  const rates: number[] = [];
  for (let rate = start; rates.length < (section.maxSteps ?? SWEEP_DEFAULTS.maxSteps); rate *= factor) {
    if (section.maxRate !== undefined && rate > section.maxRate * (1 + 1e-9)) break;
    rates.push(Math.round(rate * 100) / 100);
  }
  return rates;
}

/** The SLO in µs, with its text ("p99=20ms, delivered≥99%"). */
export function sweepSlo(section: RateSweepSection): SweepSlo {
  const given = section.slo ?? {};
  const slo: SweepSlo = {
    minDeliveredRatio: given.delivered ?? SWEEP_DEFAULTS.minDeliveredRatio,
    text: '',
  };
  const parts: string[] = [];
  for (const key of ['p50', 'p99', 'p999'] as const) {
    const value = given[key];
    if (value === undefined) continue;
    slo[`${key}Us`] = durationMs(value, 0) * 1000;
    parts.push(`${key}=${typeof value === 'number' ? `${value}ms` : value.trim()}`);
  }
  parts.push(`delivered≥${Math.round(slo.minDeliveredRatio * 1000) / 10}%`);
  slo.text = parts.join(', ');
  return slo;
}

/** Messages each step asks for, and when it starts (ms from the schedule's start). */
function stages(plan: Pick<RateSweepPlan, 'rates' | 'warmupMs' | 'stepMs'>) {
  const lengthMs = plan.warmupMs + plan.stepMs;
  let before = 0;
  return plan.rates.map((rate, index) => {
    const count = Math.floor((rate * lengthMs) / 1000);
    const stage = { rate, startMs: index * lengthMs, before, count };
    before += count;
    return stage;
  });
}

export const rateSweep = defineExecutor({
  schema: RateSweepSection,
  validate(section) {
    const problems: string[] = [];
    const geometric = section.startRate !== undefined;
    if (section.rates !== undefined && geometric)
      problems.push('rate-sweep: give `rates` or `startRate`, not both');
    if (section.rates === undefined && !geometric) problems.push('rate-sweep: give `rates` or `startRate`');
    if (section.rates !== undefined) {
      if (section.factor !== undefined || section.maxSteps !== undefined || section.maxRate !== undefined)
        problems.push('rate-sweep: `factor`, `maxSteps` and `maxRate` go with `startRate`, not `rates`');
      if (section.rates.some((rate, i) => i > 0 && rate <= section.rates![i - 1]!))
        problems.push('rate-sweep: `rates` must increase');
    }
    for (const [profile, override] of Object.entries(section.profiles ?? {}))
      if (override.rates?.some((rate, i) => i > 0 && rate <= override.rates![i - 1]!))
        problems.push(`rate-sweep: \`profiles.${profile}.rates\` must increase`);
    if (geometric && section.maxRate !== undefined && section.maxRate < section.startRate!)
      problems.push('rate-sweep: `maxRate` is below `startRate`');
    if (durationMs(section.stepDuration, 0) < 1000 && section.stepDuration !== undefined)
      problems.push('rate-sweep: `stepDuration` must be at least 1s (steps are measured in whole seconds)');
    const subscribers = section.subscribers;
    const count = Array.isArray(subscribers)
      ? subscribers.reduce((sum, group) => sum + group.count, 0)
      : (subscribers?.count ?? 0);
    if (count === 0) problems.push('rate-sweep: needs subscribers (a step is judged by what is delivered)');
    return problems;
  },
  plan(section): RateSweepPlan {
    const rates = sweepRates(section);
    const warmupMs = durationMs(section.warmup ?? SWEEP_DEFAULTS.warmup, 0);
    const stepMs = durationMs(section.stepDuration ?? SWEEP_DEFAULTS.stepDuration, 0);
    const all = stages({ rates, warmupMs, stepMs });
    const last = all[all.length - 1];
    return {
      durationMs: rates.length * (warmupMs + stepMs),
      intended: last === undefined ? 0 : last.before + last.count,
      openEnded: false,
      connections: 0,
      peakRate: Math.max(0, ...rates),
      rates,
      warmupMs,
      stepMs,
      tickMs: durationMs(section.tick, 0),
      slo: sweepSlo(section),
      repeat: section.repeat ?? SWEEP_DEFAULTS.repeat,
    };
  },
  run(context, plan) {
    const all = stages(plan);
    const timeOf = (n: number): number => {
      const stage = all.findLast((candidate) => candidate.before <= n) ?? all[0]!;
      return stage.startMs + ((n - stage.before) * 1000) / stage.rate;
    };
    return runOpenLoop(context, { total: plan.intended, timeOf }, plan.tickMs);
  },
});
