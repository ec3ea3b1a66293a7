// A rate sweep under a profile with a kernel part drains each step the way a single load does: the
// engine asks the network path how many bytes it still holds (NetworkLinks.pathInFlight), so a step
// does not count as lost a QoS 1 message that TCP is still resending. Before, the orchestrator gave
// the path's probe to plain loads only, and a sweep's steps drained without it.
// Real reference broker, real sockets; the probe itself is a counter (the kernel path needs root and
// namespaces, covered in test/network-e2e/kernel-loss.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetScenario } from '../../harness/load/presets.js';
import type { RateSweepSection } from '../../harness/load/executors/sweep.js';
import { SweepCollector } from '../../harness/orchestrator/sweeps.js';
import type { PlannedRun } from '../../harness/orchestrator/plan.js';
import { startTarget } from '../../harness/targets/index.js';
import type { StartedTarget } from '../../harness/targets/types.js';

let target: StartedTarget;
beforeAll(async () => {
  target = await startTarget({ kind: 'reference' }, { cwd: process.cwd() });
});
afterAll(async () => target?.stop());

function sweepRun(): PlannedRun {
  const scenario = presetScenario('pairs', { publishers: 1, size: 64 }, '3.1.1');
  const base = scenario.load!;
  if (!('publishers' in base)) throw new Error('pairs has publishers');
  const load: RateSweepSection = {
    executor: 'rate-sweep',
    rates: [20, 40],
    warmup: '1s',
    stepDuration: '1s',
    slo: { p99: '10s' },
    workers: 0,
    publishers: { ...base.publishers, qos: 1 },
    ...(base.subscribers !== undefined && { subscribers: { ...base.subscribers, qos: 1 } }),
  };
  scenario.name = 'drain-path';
  scenario.load = load;
  return {
    scenario,
    version: '3.1.1',
    target: { name: 'reference' },
    profile: { name: 'kernel-like' },
  } as unknown as PlannedRun;
}

describe('rate sweep drain', () => {
  it("asks the network path's probe in every step's drain", async () => {
    const sweeps = new SweepCollector();
    let probes = 0;
    const pathInFlight = (): Promise<number | undefined> => {
      probes++;
      return Promise.resolve(0);
    };
    const reporter = {};
    const run = sweepRun();
    await sweeps.run({ run, target, endpoint: target.endpoint }, 0, {
      signal: AbortSignal.timeout(60_000),
      reporter,
      pathInFlight,
    });
    const [result] = sweeps.results();
    const steps = result?.repetitions[0]?.steps ?? [];
    // Each step that ran drained with the probe. Usually both steps run (the SLO is far above
    // anything loopback shows); on a busy machine a late generator may stop the climb after the
    // first (inconclusive or knee), which still drained.
    expect(steps.length).toBeGreaterThanOrEqual(1);
    expect(probes).toBeGreaterThanOrEqual(steps.length);
  }, 90_000);
});
