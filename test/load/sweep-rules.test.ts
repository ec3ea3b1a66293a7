// The rate sweep's pure parts: rates, validation, the knee rules on a load result, the SLO flag,
// and the load order (targets interleaved, repetitions expanded).
import { describe, expect, it } from 'vitest';
import { judgeStep } from '../../harness/load/executors/sweep-knee.js';
import { parseSlo, sweepSection } from '../../harness/load/executors/sweep-preset.js';
import {
  rateSweep,
  sweepRates,
  sweepSlo,
  type RateSweepSection,
} from '../../harness/load/executors/sweep.js';
import { stepSection } from '../../harness/load/executors/sweep-run.js';
import { createHistogram, encodeHistogram, percentiles, recordUs } from '../../harness/load/histogram.js';
import { presetSection } from '../../harness/load/presets.js';
import { orderLoads } from '../../harness/orchestrator/load-order.js';
import type { PlannedRun } from '../../harness/orchestrator/plan.js';
import type { LoadInterval, LoadResult } from '../../harness/result/model.js';
import type { ResolvedScenario } from '../../harness/scenario/types.js';

const clients = {
  publishers: { count: 1, topic: '{prefix}/t/%i' },
  subscribers: { count: 1, topic: '{prefix}/t/%i' },
};

describe('rate-sweep section', () => {
  it('steps geometrically from startRate, up to maxSteps or maxRate', () => {
    const geometric = { executor: 'rate-sweep', startRate: 100, factor: 3, ...clients } as const;
    expect(sweepRates({ ...geometric, maxSteps: 4 })).toEqual([100, 300, 900, 2700]);
    expect(sweepRates({ ...geometric, maxRate: 1000 })).toEqual([100, 300, 900]);
    expect(sweepRates({ executor: 'rate-sweep', rates: [5, 50], ...clients })).toEqual([5, 50]);
  });

  it('reports every problem of a section at once', () => {
    expect(
      rateSweep.check({
        executor: 'rate-sweep',
        rates: [200, 100],
        startRate: 10,
        factor: 2,
        stepDuration: '500ms',
        publishers: clients.publishers,
      }),
    ).toEqual([
      'rate-sweep: give `rates` or `startRate`, not both',
      'rate-sweep: `factor`, `maxSteps` and `maxRate` go with `startRate`, not `rates`',
      'rate-sweep: `rates` must increase',
      'rate-sweep: `stepDuration` must be at least 1s (steps are measured in whole seconds)',
      'rate-sweep: needs subscribers (a step is judged by what is delivered)',
    ]);
  });

  it('plans the staircase: each step warm-up + measured time at its rate', () => {
    const plan = rateSweep.plan({
      executor: 'rate-sweep',
      rates: [10, 20],
      warmup: '1s',
      stepDuration: '2s',
      ...clients,
    });
    expect(plan).toMatchObject({ durationMs: 6000, intended: 30 + 60, peakRate: 20, openEnded: false });
  });

  it('writes the SLO in µs with its text; delivered defaults to 99 %', () => {
    const section: RateSweepSection = {
      executor: 'rate-sweep',
      rates: [1],
      slo: { p99: '20ms' },
      ...clients,
    };
    expect(sweepSlo(section)).toEqual({
      p99Us: 20_000,
      minDeliveredRatio: 0.99,
      text: 'p99=20ms, delivered≥99%',
    });
  });

  it('narrows a sweep to one step for each load run', () => {
    const section: RateSweepSection = {
      executor: 'rate-sweep',
      startRate: 10,
      factor: 2,
      repeat: 3,
      ...clients,
    };
    expect(stepSection(section, 40)).toEqual({ executor: 'rate-sweep', rates: [40], repeat: 1, ...clients });
  });
});

describe('bench sweep flags', () => {
  it('parses --slo items and refuses what it cannot read', () => {
    expect(parseSlo(['p99=20ms,delivered=99.5%', 'p50=500us'])).toEqual({
      slo: { p99: '20ms', delivered: 0.995, p50: '500us' },
      errors: [],
    });
    expect(parseSlo(['p95=1ms', 'p99=20']).errors).toEqual([
      "--slo 'p95=1ms': expected p50|p99|p999|delivered=VALUE, e.g. p99=20ms",
      "--slo 'p99=20': a latency needs a unit (20ms, 500us, 1s)",
    ]);
  });

  it('turns a preset into a sweep with its clients; conn-storm has no rate', () => {
    const section = sweepSection(presetSection('pairs', { qos: 1, publishers: 2 }), {
      start: 100,
      repeat: 3,
      slo: ['p99=20ms'],
    });
    expect(section).toMatchObject({
      executor: 'rate-sweep',
      startRate: 100,
      factor: 2,
      repeat: 3,
      slo: { p99: '20ms' },
      publishers: { count: 2, qos: 1 },
      subscribers: { count: 2, qos: 1 },
    });
    expect(rateSweep.check(section)).toEqual([]);
    expect(sweepSection(presetSection('conn-storm', {}), {})).toBeUndefined();
  });
});

// ---- knee rules ----

function interval(
  startMs: number,
  sent: number,
  received: number,
  latencyUs: number,
  lateSends = 0,
): LoadInterval {
  const histogram = createHistogram();
  for (let i = 0; i < received; i++) recordUs(histogram, latencyUs);
  return {
    startMs,
    durationMs: 1000,
    sent,
    received,
    errors: 0,
    lateSends,
    latency: percentiles(histogram),
    histogram: encodeHistogram(histogram),
  };
}

/** A 1 s warm-up + 2 s step at `rate` on a pair (one copy per message). */
function loadResult(
  rate: number,
  delivered: number,
  latencyUs: number,
  patch: Partial<LoadResult> = {},
): LoadResult {
  const intervals = [0, 1000, 2000].map((at) => interval(at, rate, delivered, latencyUs));
  const sent = rate * 3;
  return {
    id: 'x',
    name: 'x',
    target: 't',
    profile: 'none',
    mqttVersion: '5.0',
    executor: 'rate-sweep',
    config: {},
    startedAt: '',
    durationMs: 3000,
    intended: sent,
    sent,
    dropped: 0,
    received: delivered * 3,
    errors: 0,
    rate: { sentPerSec: rate, receivedPerSec: delivered },
    latency: intervals[0]!.latency,
    histogram: intervals[0]!.histogram,
    intervals,
    delivery: [
      {
        qos: 0,
        expected: sent,
        received: delivered * 3,
        lost: sent - delivered * 3,
        duplicated: 0,
        outOfOrder: 0,
        ok: true,
      },
    ],
    generator: { saturated: false, eventLoopLagP99Ms: 0, scheduleOverrunMs: 0, cpuPercent: 0, workers: 1 },
    thresholds: [],
    verdict: 'passed',
    ...patch,
  };
}

const input = {
  index: 2,
  offeredRate: 100,
  warmupMs: 1000,
  stepMs: 2000,
  slo: { p99Us: 20_000, minDeliveredRatio: 0.99, text: '' },
};

describe('knee rules', () => {
  it('measures the whole seconds after the warm-up and calls a kept step ok', () => {
    const step = judgeStep(loadResult(100, 100, 5000), input);
    expect(step).toMatchObject({
      verdict: 'ok',
      measuredMs: 2000,
      sentRate: 100,
      deliveredRate: 100,
      expectedRate: 100,
      latencySamples: 200,
    });
    expect(step.latencyUs.p99).toBeGreaterThanOrEqual(5000);
    expect(step.latencyUs.p99).toBeLessThan(5100);
  });

  it('is a knee when delivered falls under 99 % of offered', () => {
    const step = judgeStep(loadResult(100, 98, 5000), input);
    expect(step.verdict).toBe('knee');
    expect(step.reason).toBe('delivered 98 % of offered (98/s of 100/s; SLO ≥ 99 %)');
  });

  it('lets a window edge shift two messages before a shortfall counts', () => {
    // 30 msg/s: 59 of 60 delivered in the 2 s window is 98.3 %, but one message is an edge effect.
    expect(judgeStep(loadResult(30, 29.5, 5000), { ...input, offeredRate: 30 }).verdict).toBe('ok');
    expect(judgeStep(loadResult(30, 28, 5000), { ...input, offeredRate: 30 }).verdict).toBe('knee');
  });

  it('is a knee when p99 is over the SLO', () => {
    const step = judgeStep(loadResult(100, 100, 25_000), input);
    expect(step.verdict).toBe('knee');
    expect(step.reason).toMatch(/^p99 25 ms > SLO 20 ms \(200 samples\)$/);
  });

  it('is a knee on errors and on a delivery verdict that failed', () => {
    expect(
      judgeStep(loadResult(100, 100, 5000, { errors: 3, errorMessages: ['closed'] }), input).reason,
    ).toBe('3 errors (first: closed)');
    const lost = loadResult(100, 100, 5000);
    lost.delivery = [
      { qos: 1, expected: 300, received: 299, lost: 1, duplicated: 0, outOfOrder: 0, ok: false },
    ];
    expect(judgeStep(lost, input)).toMatchObject({ verdict: 'knee', reason: 'QoS 1: lost 1, duplicated 0' });
  });

  it('is inconclusive, not a knee, when the generator missed its schedule in every measured second', () => {
    // Every second: 5 of 100 sends more than 50 ms late; what arrived says nothing of the broker.
    const saturated = loadResult(100, 50, 90_000);
    saturated.intervals = [0, 1000, 2000].map((at) => interval(at, 100, 50, 90_000, 5));
    saturated.generator = { ...saturated.generator, saturated: true, sendLatenessP99Ms: 120 };
    const step = judgeStep(saturated, input);
    expect(step).toMatchObject({
      verdict: 'inconclusive',
      generatorSaturated: true,
      generatorLateSeconds: 2,
      measuredMs: 0,
    });
    expect(step.reason).toMatch(
      /^generator saturated: late in all 2 measured seconds \(more than 1 % of sends over 50 ms late; whole step send lateness p99 120 ms\)/,
    );
  });

  it('judges the generator per second: a late second is left out, the kept ones are measured', () => {
    // Second 1 (measured): the generator was late (3 % of sends) and half arrived at 200 ms; second 2
    // it kept its schedule. The step is the kept second alone: ok, not a knee, not inconclusive.
    const result = loadResult(100, 100, 5000);
    result.intervals = [
      interval(0, 100, 100, 5000),
      interval(1000, 100, 50, 200_000, 3),
      interval(2000, 100, 100, 5000),
    ];
    result.generator = { ...result.generator, saturated: true, sendLatenessP99Ms: 80 };
    // The whole run's schedule verdict (verdict.ts) is not the step's: it is judged per second here.
    result.verdict = 'inconclusive';
    result.inconclusive = ['schedule missed: send lateness p99 80 ms > 2 ms'];
    result.reason = 'schedule missed: send lateness p99 80 ms > 2 ms';
    const step = judgeStep(result, input);
    expect(step).toMatchObject({
      verdict: 'ok',
      measuredMs: 1000,
      generatorLateSeconds: 1,
      generatorSaturated: false,
      deliveredRate: 100,
      latencySamples: 100,
    });
    expect(step.latencyUs.p99).toBeLessThan(5100);
  });

  it('is a knee when the broker fell behind in the seconds the generator kept', () => {
    // Four measured seconds, one late: in the three kept, 80 of 100 delivered. The broker's doing.
    const result = loadResult(100, 100, 5000);
    result.intervals = [0, 1000, 2000, 3000, 4000].map((at, i) =>
      interval(at, 100, 80, 5000, i === 2 ? 10 : 0),
    );
    // Second 2 late: it and second 1 (its last sends may have slipped into 2) are left out.
    const step = judgeStep(result, { ...input, stepMs: 4000 });
    expect(step).toMatchObject({ verdict: 'knee', generatorLateSeconds: 2, measuredMs: 2000 });
    expect(step.reason).toBe(
      'delivered 80 % of offered (80/s of 100/s; SLO ≥ 99 %) (in the 2 s the generator kept)',
    );
  });

  it('is inconclusive when the generator kept fewer than half of the measured seconds and no knee shows', () => {
    const result = loadResult(100, 100, 5000);
    result.intervals = [0, 1000, 2000, 3000, 4000].map((at, i) =>
      interval(at, 100, 100, 5000, i >= 3 ? 10 : 0),
    );
    const step = judgeStep(result, { ...input, stepMs: 4000 });
    expect(step).toMatchObject({ verdict: 'inconclusive', generatorLateSeconds: 3, measuredMs: 1000 });
    expect(step.reason).toMatch(
      /^generator late in 3 of 4 measured seconds .*too few to call this rate sustainable$/,
    );
  });

  it('leaves out the second before a late one: its last sends slipped into the late second', () => {
    // Second 1 sent 95 of its 100 (the rest left late, in second 2): its shortfall is the generator's.
    const result = loadResult(100, 100, 5000);
    result.intervals = [
      interval(0, 100, 100, 5000),
      interval(1000, 95, 95, 5000),
      interval(2000, 105, 105, 60_000, 5),
    ];
    expect(judgeStep(result, input)).toMatchObject({
      verdict: 'inconclusive',
      generatorSaturated: true,
      generatorLateSeconds: 2,
    });
  });

  it('falls back on the whole run when its intervals did not count late sends', () => {
    const old = loadResult(100, 100, 5000);
    old.intervals = old.intervals.map(({ lateSends: _late, ...rest }) => rest);
    expect(judgeStep(old, input).verdict).toBe('ok');
    old.generator = { ...old.generator, saturated: true };
    expect(judgeStep(old, input)).toMatchObject({ verdict: 'inconclusive', generatorSaturated: true });
  });

  it('is inconclusive, not a knee, when the clients could not connect', () => {
    const refused = loadResult(0, 0, 0, {
      errors: 2,
      errorMessages: ['decode: reason code 0x1 is not valid in connack'],
      connections: { attempted: 2, connected: 0, failed: 2, peak: 0 },
    });
    expect(judgeStep(refused, input)).toMatchObject({
      verdict: 'inconclusive',
      reason: '2 of 2 clients could not connect (first: decode: reason code 0x1 is not valid in connack)',
    });
  });

  it('is inconclusive when the step did not run through', () => {
    const broken = loadResult(100, 100, 5000, {
      verdict: 'failed',
      reason: 'setup did not finish within 30000 ms',
    });
    expect(judgeStep(broken, input)).toMatchObject({
      verdict: 'inconclusive',
      reason: 'the step did not run through: setup did not finish within 30000 ms',
    });
  });
});

// ---- load order ----

function run(scenario: ResolvedScenario, target: string, profile: string): PlannedRun {
  return {
    scenario,
    version: '5.0',
    target: { name: target, spec: target },
    profile: { name: profile },
    perInstance: false,
  };
}

describe('load order', () => {
  it('interleaves targets and runs every cell’s repetition before the next one', () => {
    const sweep = {
      name: 'sweep',
      load: { executor: 'rate-sweep', rates: [1], repeat: 2, ...clients },
    } as unknown as ResolvedScenario;
    const once = { name: 'once', load: presetSection('pairs', {}) } as unknown as ResolvedScenario;
    const conformance = { name: 'conformance' } as unknown as ResolvedScenario;
    // The plan lists runs target by target, as the conformance pool wants them.
    const runs = ['A', 'B', 'C'].flatMap((target) =>
      [sweep, once, conformance].flatMap((scenario) => ['lan', '3g'].map((p) => run(scenario, target, p))),
    );
    const order = orderLoads(runs).map(
      (load) =>
        `${load.repetition} ${load.run.scenario.name} ${load.run.profile.name} ${load.run.target.name}`,
    );
    expect(order).toEqual([
      '0 sweep lan A',
      '0 sweep lan B',
      '0 sweep lan C',
      '0 sweep 3g A',
      '0 sweep 3g B',
      '0 sweep 3g C',
      '0 once lan A',
      '0 once lan B',
      '0 once lan C',
      '0 once 3g A',
      '0 once 3g B',
      '0 once 3g C',
      '1 sweep lan A',
      '1 sweep lan B',
      '1 sweep lan C',
      '1 sweep 3g A',
      '1 sweep 3g B',
      '1 sweep 3g C',
    ]);
  });
});
