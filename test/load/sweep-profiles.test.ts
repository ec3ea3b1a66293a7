// A rate sweep's `profiles` entries: under a named network profile its own rates, SLO and number
// of climbs replace the sweep's (a tight SLO under lan, a generous one where the link adds 200 ms),
// in the section a step runs, in the plan's repetitions, in the recorded SweepResult and in the
// comparative view's SLO per profile.
import { describe, expect, it } from 'vitest';
import { rateSweep, sweepForProfile, type RateSweepSection } from '../../harness/load/executors/sweep.js';
import { sweepPlan, sweepResult } from '../../harness/load/executors/sweep-run.js';
import { orderLoads } from '../../harness/orchestrator/load-order.js';
import type { PlannedRun } from '../../harness/orchestrator/plan.js';
import { comparativeView } from '../../harness/reporters/render/comparative/view.js';
import { renderMarkdown } from '../../harness/reporters/index.js';
import type { ResolvedScenario } from '../../harness/scenario/types.js';
import { sweepOf, sweepResult as runOf } from '../reporters/fixtures/sweep.js';

const section: RateSweepSection = {
  executor: 'rate-sweep',
  startRate: 500,
  factor: 2,
  maxSteps: 4,
  slo: { p99: '1s' },
  repeat: 2,
  profiles: { lan: { rates: [8000, 12000, 16000], slo: { p50: '5ms', p99: '100ms' }, repeat: 5 } },
  publishers: { count: 1, topic: '{prefix}/t/%i' },
  subscribers: { count: 1, topic: '{prefix}/t/%i' },
};

describe('rate-sweep profiles', () => {
  it("replaces the rates, SLO and repeat under the named profile, and keeps the sweep's elsewhere", () => {
    const lan = sweepPlan(sweepForProfile(section, 'lan'));
    expect(lan.rates).toEqual([8000, 12000, 16000]);
    expect(lan.slo).toMatchObject({ p50Us: 5000, p99Us: 100_000, text: 'p50=5ms, p99=100ms, delivered≥99%' });
    expect(lan.repeat).toBe(5);
    const threeG = sweepPlan(sweepForProfile(section, '3g'));
    expect(threeG.rates).toEqual([500, 1000, 2000, 4000]);
    expect(threeG.slo).toMatchObject({ p99Us: 1_000_000, text: 'p99=1s, delivered≥99%' });
    expect(threeG.slo.p50Us).toBeUndefined();
    expect(threeG.repeat).toBe(2);
    // What ran is recorded without the entries for other profiles.
    const recorded = sweepResult(
      sweepForProfile(section, 'lan'),
      { name: 's', target: 'reference', profile: 'lan', mqttVersion: '3.1.1' },
      [],
    );
    expect(recorded.rates).toEqual([8000, 12000, 16000]);
    expect(recorded.slo.text).toBe('p50=5ms, p99=100ms, delivered≥99%');
    expect(recorded.config).not.toHaveProperty('profiles');
    expect(recorded.config).not.toHaveProperty('startRate');
  });

  it("rejects a profile's rates that do not increase", () => {
    const problems = rateSweep.check({ ...section, profiles: { lan: { rates: [2000, 1000] } } });
    expect(problems.join('\n')).toContain('`profiles.lan.rates` must increase');
  });

  it("repeats each profile's cells as often as its entry says, targets still interleaved", () => {
    const scenario = { name: 'sweep', load: section } as unknown as ResolvedScenario;
    const runs = ['A', 'B'].flatMap((target) =>
      ['lan', '3g'].map((profile): PlannedRun => ({
        scenario,
        version: '3.1.1',
        target: { name: target, spec: target },
        profile: { name: profile },
        perInstance: false,
      })),
    );
    const order = orderLoads(runs).map((l) => `${l.repetition} ${l.run.profile.name} ${l.run.target.name}`);
    expect(order.filter((o) => o.includes('lan'))).toHaveLength(10);
    expect(order.filter((o) => o.includes('3g'))).toHaveLength(4);
    expect(order.slice(0, 4)).toEqual(['0 lan A', '0 lan B', '0 3g A', '0 3g B']);
    expect(order.slice(-2)).toEqual(['4 lan A', '4 lan B']);
  });

  it("shows each profile's SLO beside its maximum sustainable rate", () => {
    const sweeps = ['reference', 'mosquitto'].flatMap((target) => [
      {
        ...sweepOf({ target, profile: 'lan', medianUs: 1000 }),
        slo: {
          p50Us: 5000,
          p99Us: 100_000,
          minDeliveredRatio: 0.99,
          text: 'p50=5ms, p99=100ms, delivered≥99%',
        },
      },
      sweepOf({ target, profile: '3g', medianUs: 200_000 }),
    ]);
    const result = runOf(sweeps);
    const workload = comparativeView(result)!.workloads[0]!;
    expect(workload.slos.get('lan')).toEqual({
      p50Us: 5000,
      p99Us: 100_000,
      text: 'p50=5ms, p99=100ms, delivered≥99%',
    });
    expect(workload.slos.get('3g')).toEqual({ p99Us: 50_000, text: 'p99=50ms' });
    const md = renderMarkdown(result);
    expect(md).toMatch(/\| lan \| p50=5ms, p99=100ms, delivered≥99% \| .* \| no significant difference \|/);
    expect(md).toMatch(/\| 3g \| p99=50ms \| /);
  });
});
