// Writes the generated steps: each client's steps go to its branch of the current phase; a barrier
// (from sync.ts) ends the phase, which becomes one `parallel` step (or the steps themselves when only
// one client acted), and a `wait` when one is needed. Notes wait for their client's next step. An
// expect that comes long after its client's previous step (a will delay, a keep-alive) gets a
// timeout that covers the recorded gap.
import type { Data, DataMap } from './values.js';
import type { Ordering } from './sync.js';

export interface GeneratedStep {
  step: DataMap;
  /** A comment written above the step. */
  note?: string;
  /** For a `parallel` step: its branches, with their notes. */
  branches?: GeneratedStep[][];
}

const LONG_GAP_MS = 2500;
const DEFAULT_STEP_TIMEOUT_MS = 5000;

export class StepWriter {
  readonly steps: GeneratedStep[] = [];
  private phase = new Map<string, GeneratedStep[]>();
  private readonly notes = new Map<string, string>();
  private readonly lastAtMs = new Map<string, number>();
  /** Time the phase started: a branch's first expect counts its gap from there. */
  private phaseAtMs = 0;
  waitedMs = 0;
  extraTimeoutMs = 0;
  count = 0;

  /** A client's action, after the barrier and wait its ordering asks for. */
  action(client: string, atMs: number, step: DataMap, ordering: Ordering): void {
    if (ordering.barrier) this.flush(atMs);
    if (ordering.waitMs !== undefined) {
      this.steps.push({ step: { wait: ordering.waitMs } });
      this.waitedMs += ordering.waitMs;
    }
    this.add(client, atMs, step);
  }

  /** Something the broker sent the client. */
  expect(client: string, atMs: number, step: DataMap): void {
    const gap = atMs - (this.lastAtMs.get(client) ?? this.phaseAtMs);
    if (gap > LONG_GAP_MS) {
      const timeout = Math.ceil(gap * 2 + DEFAULT_STEP_TIMEOUT_MS);
      const [kind] = Object.keys(step);
      if (kind !== undefined) step[kind] = { ...asMap(step[kind]), timeout };
      this.extraTimeoutMs += timeout;
    }
    this.add(client, atMs, step);
  }

  note(client: string, text: string): void {
    const known = this.notes.get(client);
    this.notes.set(client, known === undefined ? text : `${known}\n${text}`);
  }

  /** Every step, the last phase included; notes never followed by a step of their client. */
  finish(): { steps: GeneratedStep[]; leftoverNotes: string[] } {
    this.flush(0);
    const leftoverNotes = [...this.notes.values()];
    this.notes.clear();
    return { steps: this.steps, leftoverNotes };
  }

  private add(client: string, atMs: number, step: DataMap): void {
    const note = this.notes.get(client);
    this.notes.delete(client);
    const branch = this.phase.get(client) ?? [];
    branch.push({ step, ...(note !== undefined && { note }) });
    this.phase.set(client, branch);
    this.lastAtMs.set(client, atMs);
    this.count++;
  }

  private flush(atMs: number): void {
    const branches = [...this.phase.values()];
    this.phase = new Map();
    this.lastAtMs.clear();
    this.phaseAtMs = atMs;
    if (branches.length === 1) this.steps.push(...branches[0]!);
    else if (branches.length > 1) {
      this.steps.push({
        step: { parallel: branches.map((branch) => branch.map((entry) => entry.step)) },
        branches,
      });
    }
  }
}

export function asMap(value: Data | undefined): DataMap {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
