// Runs scenario instances on N concurrent workers. Results keep the planned order; `bail` stops
// starting new instances after the first failure; an aborted signal stops everything.
import type { ScenarioResult } from '../result/index.js';
import { runScenarioInstance, type InstanceOptions, type ScenarioInstance } from './scenario-run.js';

export interface PoolOptions extends InstanceOptions {
  workers: number;
  bail: boolean;
  onResult?(result: ScenarioResult): void;
}

export interface PoolOutcome {
  results: ScenarioResult[];
  /** Set when the pool stopped before running everything. */
  stopped?: 'bail' | 'interrupted';
}

export async function runPool(
  instances: readonly ScenarioInstance[],
  options: PoolOptions,
): Promise<PoolOutcome> {
  const results = Array.from<ScenarioResult | undefined>({ length: instances.length });
  let next = 0;
  let stopped: PoolOutcome['stopped'];
  const bail = new AbortController();
  const signal = AbortSignal.any([options.signal, bail.signal]);
  const worker = async (): Promise<void> => {
    while (next < instances.length && !signal.aborted) {
      const index = next;
      next += 1;
      const instance = instances[index]!;
      const result = await runScenarioInstance(instance, { ...options, signal });
      if (signal.aborted && result.verdict === 'skipped' && stopped === 'bail') continue;
      results[index] = result;
      options.onResult?.(result);
      if (options.bail && result.verdict === 'failed' && !bail.signal.aborted) {
        stopped = 'bail';
        bail.abort(new Error('bail: stopped after the first failure'));
      }
    }
  };
  const count = Math.max(1, Math.min(options.workers, instances.length));
  await Promise.all(Array.from({ length: count }, worker));
  if (options.signal.aborted) stopped = 'interrupted';
  return {
    results: results.filter((r): r is ScenarioResult => r !== undefined),
    ...(stopped && { stopped }),
  };
}
