// Executors by type string: one line per executor. LoadSection (harness/load/schema.ts) is the union
// of their schemas, so an executor listed here is a valid `executor:` value, and nothing else is.
import { closedLoop } from './closed-loop.js';
import { connectionStorm } from './connection-storm.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { perClientIterations } from './per-client-iterations.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rateSweep } from './sweep.js';
import type { Executor } from './types.js';

export const EXECUTORS = [
  constantArrivalRate,
  rampingArrivalRate,
  closedLoop,
  connectionStorm,
  perClientIterations,
  rateSweep,
] as const;

export type ExecutorType = (typeof EXECUTORS)[number]['type'];

const byType = new Map<string, Executor>();
for (const executor of EXECUTORS) {
  if (byType.has(executor.type))
    throw new Error(`LOAD_DUPLICATE_EXECUTOR: '${executor.type}' is registered twice`);
  byType.set(executor.type, executor);
}

export function getExecutor(type: string): Executor | undefined {
  return byType.get(type);
}

export function executorTypes(): ExecutorType[] {
  return EXECUTORS.map((executor) => executor.type);
}
