// What every fuzz phase gets and gives back.
import type { Address } from './client.js';
import type { FuzzCase } from './generate.js';
import type { Random } from './random.js';

export const PHASE_NAMES = ['packets', 'slowloris', 'flood', 'stalled', 'wills', 'retained'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export interface PhaseContext {
  address: Address;
  random: Random;
  /** How long the phase runs. */
  durationMs: number;
  /** Scale of the abuse: 1 for short runs, larger for long ones (connections, messages). */
  scale: number;
  /** Aborted when the phase must end early (the broker died, Ctrl-C). */
  signal: AbortSignal;
  /** Keeps a packet case as evidence (the last ones are saved with a failure). */
  recordCase(fuzzCase: FuzzCase): void;
}

/** Counters a phase reports (connections opened, messages sent, ...). */
export type PhaseStats = Record<string, number>;

export interface Phase {
  name: PhaseName;
  /** One line: what the phase does to the broker. */
  description: string;
  run(context: PhaseContext): Promise<PhaseStats>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** True while the phase should go on. */
export function running(context: PhaseContext, deadline: number): boolean {
  return !context.signal.aborted && Date.now() < deadline;
}
