// Load scenarios go to the load module; a load that cannot run still yields a LoadResult (failed,
// with the reason) so the rest of the run and the reports carry on.
import { runLoadScenario } from '../load/index.js';
import type { Reporter } from '../reporters/index.js';
import type { LoadResult, Percentiles } from '../result/index.js';
import type { MqttVersion, ResolvedScenario } from '../scenario/index.js';
import type { ShardSetting } from '../shard/index.js';
import type { Endpoint, StartedTarget } from '../targets/index.js';

export async function runLoad(options: {
  scenario: ResolvedScenario;
  version: MqttVersion;
  target: StartedTarget;
  endpoint: Endpoint;
  profile: string;
  signal: AbortSignal;
  reporter: Reporter;
  shard?: ShardSetting;
  /** Bytes the network path still holds (a kernel profile), so the drain does not stop while data is on its way. */
  pathInFlight?: (() => Promise<number | undefined>) | undefined;
  /** The run's generator CPUs (`--generator-cpus`), in place of the section's `cpus`. */
  cpus?: string | undefined;
}): Promise<LoadResult> {
  const { scenario, version, target, endpoint, profile, signal, reporter, shard, pathInFlight, cpus } =
    options;
  const started = new Date();
  try {
    if (scenario.load === undefined) throw new Error(`'${scenario.name}' has no load section`);
    // The engine narrows the thresholds to those whose scope (target, profile) applies to this run.
    return await runLoadScenario(scenario.load, {
      endpoint,
      target,
      profile,
      mqttVersion: version,
      signal,
      onProgress: (progress) => reporter.onLoadProgress?.(progress),
      name: scenario.name,
      file: scenario.file,
      ...(shard && { shard }),
      ...(pathInFlight && { pathInFlight }),
      ...(cpus !== undefined && { cpus }),
    });
  } catch (error) {
    return failedLoad(
      scenario,
      version,
      target.name,
      profile,
      started,
      error instanceof Error ? error.message : String(error),
    );
  }
}

const ZERO: Percentiles = { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };

function failedLoad(
  scenario: ResolvedScenario,
  version: MqttVersion,
  target: string,
  profile: string,
  started: Date,
  reason: string,
): LoadResult {
  return {
    id: `${scenario.name} [${target}, ${version}, ${profile}]`,
    name: scenario.name,
    file: scenario.file,
    target,
    profile,
    mqttVersion: version,
    executor: scenario.load?.executor ?? 'unknown',
    config: { ...scenario.load },
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    intended: 0,
    sent: 0,
    dropped: 0,
    received: 0,
    errors: 1,
    rate: { sentPerSec: 0, receivedPerSec: 0 },
    latency: ZERO,
    histogram: { encoded: '', unit: 'us' },
    intervals: [],
    delivery: [],
    generator: { saturated: false, eventLoopLagP99Ms: 0, scheduleOverrunMs: 0, cpuPercent: 0, workers: 0 },
    thresholds: [],
    verdict: 'failed',
    reason,
  };
}
