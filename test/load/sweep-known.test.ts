// A rate sweep against brokers whose behaviour is known: the reference broker straight, and behind
// network profiles that inject a fixed delay or a fixed delivery capacity. The sweep's curve, knee,
// maximum sustainable rate and Δ % must report what was injected. The injected effects dominate
// (80 ms of delay, a 4x capacity shortfall), so the bounds hold on a busy 2-core machine.
// Real sockets, the real proxy, the whole run path (plan → execute → assemble).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateSweepSection } from '../../harness/load/executors/sweep.js';
import { presetScenario } from '../../harness/load/presets.js';
import { runHarness } from '../../harness/orchestrator/index.js';
import type { SweepResult } from '../../harness/result/model.js';
import { compareEstimates } from '../../harness/result/sweep-stats.js';
import type { ResolvedScenario } from '../../harness/scenario/types.js';

let dir: string;
const ONE_WAY_MS = 40; // each direction: publisher → broker and broker → subscriber both cross it
const CAPACITY_KBPS = 60; // broker → subscriber, 1000 B per KB
const SIZE = 1000; // payload bytes: ≈1,030 bytes per PUBLISH on the wire, so ≈58 messages/s fit

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sweep-known-'));
  await writeFile(
    join(dir, 'delay.yaml'),
    `name: delay\ntoxics:\n  - { type: latency, attributes: { latency: ${ONE_WAY_MS}, jitter: 0 } }\n`,
  );
  await writeFile(
    join(dir, 'narrow.yaml'),
    `name: narrow\ntoxics:\n  - { type: bandwidth, stream: downstream, attributes: { rate: ${CAPACITY_KBPS} } }\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sweepScenario(load: Omit<RateSweepSection, 'executor' | 'publishers' | 'subscribers'>, size = 64) {
  const scenario: ResolvedScenario = presetScenario('pairs', { publishers: 1, size }, '5.0');
  const base = scenario.load!;
  if (!('publishers' in base)) throw new Error('pairs has publishers');
  scenario.name = 'known';
  scenario.load = {
    executor: 'rate-sweep',
    publishers: base.publishers,
    ...(base.subscribers !== undefined && { subscribers: base.subscribers }),
    workers: 1, // a thread of its own: the broker and the proxy share the main thread
    warmup: '1s',
    stepDuration: '1s',
    ...load,
  };
  return scenario;
}

// Timeouts: three runs of two cells × two climbs take ≈ 40 s each at a load average of 20 on two
// cores (measured 2026-12-07); 120 s was too short then. A guard against a hang, not a timing claim.

/**
 * Runs the sweep, and again (three runs at most) while a climb stopped on an inconclusive step: the
 * generator could not keep its schedule on this shared machine, so that measurement says nothing
 * either way. A third inconclusive run fails the test's assertions (nothing is skipped).
 */
async function sweepOnce(options: Parameters<typeof runHarness>[0]): Promise<RunResultLike> {
  let result = await runHarness(options);
  for (let attempt = 1; attempt < 3; attempt++) {
    if ((result.sweeps ?? []).every((sweep) => sweep.verdict === 'passed')) break;
    result = await runHarness(options);
  }
  return result;
}
type RunResultLike = Awaited<ReturnType<typeof runHarness>>;

const byProfile = (sweeps: readonly SweepResult[] | undefined, profile: string): SweepResult => {
  const sweep = sweeps?.find((candidate) => candidate.profile.endsWith(profile));
  if (sweep === undefined) throw new Error(`no sweep under ${profile}`);
  return sweep;
};

describe('rate sweep against a known broker', () => {
  it('reports an injected fixed delay: latency curve, Δ %, and a knee at the first step when the SLO is below it', async () => {
    const injectedUs = 2 * ONE_WAY_MS * 1000;
    // Delivery is not what this test injects: a 1 s window at 100 msg/s moves by a few messages
    // when this machine stalls, so the delivered rule is loosened to 90 % (the next test holds it).
    const result = await sweepOnce({
      scenarios: [sweepScenario({ rates: [100], slo: { p50: '60ms', delivered: 0.9 }, repeat: 2 })],
      targets: ['reference'],
      profiles: ['none', join(dir, 'delay.yaml')],
      cwd: dir,
    });
    const straight = byProfile(result.sweeps, 'none');
    const delayed = byProfile(result.sweeps, 'delay.yaml');
    // Repetitions interleave: none, delay, none, delay; each cell keeps its own two.
    expect(straight.repetitions).toHaveLength(2);
    expect(delayed.repetitions).toHaveLength(2);

    // Straight: the broker keeps 100 msg/s with p50 well under the SLO.
    expect(straight.verdict).toBe('passed');
    expect(straight.steps[0]!.verdict).toBe('ok');
    expect(straight.maxSustainableRate.mean).toBe(100);
    expect(straight.bound).toBe('last-rate');
    expect(straight.steps[0]!.deliveredRate.mean).toBeGreaterThan(90);

    // Delayed: every message pays the injected 80 ms (never less), plus what the busy machine adds.
    const step = delayed.steps[0]!;
    expect(step.p50Us.mean).toBeGreaterThanOrEqual(injectedUs);
    expect(step.p50Us.mean).toBeLessThan(injectedUs + 40_000);
    // The difference of the medians is the injected delay; Δ % says the same, and it is significant.
    const added = step.p50Us.mean - straight.steps[0]!.p50Us.mean;
    expect(added).toBeGreaterThan(injectedUs - 20_000);
    expect(added).toBeLessThan(injectedUs + 40_000);
    const delta = compareEstimates(straight.steps[0]!.p50Us, step.p50Us);
    expect(delta.deltaPercent).toBeCloseTo((added / straight.steps[0]!.p50Us.mean) * 100, 6);
    expect(delta.deltaPercent).toBeGreaterThan(100);
    expect(delta.significant).toBe(true);
    // The SLO (p50 ≤ 60 ms) is below the injected delay: the knee is the first step, nothing is sustainable.
    expect(step.verdict).toBe('knee');
    expect(step.reason).toMatch(/^p50 \d+(\.\d)? ms > SLO 60 ms/);
    expect(delayed.maxSustainableRate.values).toEqual([0, 0]);
    expect(delayed.bound).toBe('knee');
    // The delay does not take throughput away: every message still arrives.
    expect(step.deliveredRate.mean).toBeGreaterThan(90);
  }, 300_000);

  it('finds the knee of an injected delivery capacity and stops there', async () => {
    const capacity = (CAPACITY_KBPS * 1000) / (SIZE + 30); // ≈58 msg/s
    const result = await sweepOnce({
      scenarios: [sweepScenario({ rates: [30, 240, 480] }, SIZE)],
      targets: ['reference'],
      profiles: [join(dir, 'narrow.yaml')],
      cwd: dir,
    });
    const sweep = byProfile(result.sweeps, 'narrow.yaml');
    const steps = sweep.repetitions[0]!.steps;
    // 30 msg/s fits under the capacity; 240 is four times it: the knee, and the climb stops.
    expect(steps.map((s) => `${s.offeredRate} ${s.verdict}`)).toEqual(['30 ok', '240 knee']);
    expect(steps[1]!.reason).toMatch(/^delivered \d+(\.\d)? % of offered/);
    expect(sweep.maxSustainableRate.mean).toBe(30);
    expect(sweep.bound).toBe('knee');
    // The curve: below the knee delivered follows offered; at the knee it flattens at the capacity.
    expect(steps[0]!.deliveredRate).toBeGreaterThan(27);
    expect(steps[1]!.deliveredRate).toBeGreaterThan(capacity * 0.6);
    expect(steps[1]!.deliveredRate).toBeLessThan(capacity * 1.4);
    // Queueing behind the capacity shows in the latency: far above the unloaded steps'.
    expect(steps[1]!.latencyUs.p99).toBeGreaterThan(10 * steps[0]!.latencyUs.p50);
  }, 300_000);
});
