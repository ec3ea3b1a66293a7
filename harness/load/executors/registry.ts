// Executors by type string.
import { closedLoop } from './closed-loop.js';
import { connectionStorm } from './connection-storm.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { perClientIterations } from './per-client-iterations.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import type { Executor } from './types.js';

const executors = new Map<string, Executor>(
  [constantArrivalRate, rampingArrivalRate, closedLoop, connectionStorm, perClientIterations].map(
    (executor) => [executor.type, executor],
  ),
);

export function getExecutor(type: string): Executor | undefined {
  return executors.get(type);
}

export function executorTypes(): string[] {
  return [...executors.keys()];
}
