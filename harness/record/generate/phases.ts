// Writes the generated steps. Each client's steps go to its branch of the current phase; a barrier
// (sync.ts) ends the phase, which becomes one `parallel` step (or the steps themselves when only one
// client acted), and a `wait` when one is needed.
//
// What the broker sent is expected as late as the client allows: an expect waits (pending) until a
// later step of its client needs it (a variable it captures, the PUBREC a PUBREL follows, the
// CONNACK before anything else, the messages on topics a SUBSCRIBE / UNSUBSCRIBE changes), until
// the connection ends, or until a barrier. A broker may send
// its packets in another legal order (a QoS 2 message delivered at PUBREL instead of at PUBLISH);
// an expect that waited at its recorded place could then wait for a step that comes after it.
import { topicMatches } from '../../../wire/index.js';
import type { Data, DataMap } from './values.js';
import type { Ordering } from './sync.js';

export interface GeneratedStep {
  step: DataMap;
  /** A comment written above the step. */
  note?: string;
  /** For a `parallel` step: its branches, with their notes. */
  branches?: GeneratedStep[][];
}

/** What later steps of the client may need of an expect. */
export interface ExpectMeta {
  /** Variables its `capture` sets. */
  captures: readonly string[];
  /** `pubrec:5`: the broker's reply to the client's own packet 5. */
  answers?: string;
  connack?: boolean;
  /** A delivered message: its topic (a later change of the client's subscriptions needs it first). */
  topic?: string;
}

/** What an action needs to have been expected before it. */
export interface ActionNeeds {
  variables: readonly string[];
  /** Replies it follows, e.g. `pubrec:5` for a PUBREL. */
  replies: readonly string[];
  /** The connection ends (or may end) with it: everything expected so far comes first. */
  final: boolean;
  /** Filters it subscribes or unsubscribes: messages on matching topics delivered before come first. */
  filters?: readonly string[];
}

interface Pending {
  step: DataMap;
  meta: ExpectMeta;
}

const LONG_GAP_MS = 2500;
const DEFAULT_STEP_TIMEOUT_MS = 5000;

export class StepWriter {
  readonly steps: GeneratedStep[] = [];
  private phase = new Map<string, GeneratedStep[]>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly notes = new Map<string, string>();
  private readonly lastAtMs = new Map<string, number>();
  private phaseAtMs = 0;
  waitedMs = 0;
  extraTimeoutMs = 0;
  count = 0;

  /** A client's action: the barrier and wait its ordering asks for, then what it needs expected. */
  action(client: string, atMs: number, step: DataMap, ordering: Ordering, needs: ActionNeeds): void {
    if (ordering.barrier) this.barrier(atMs);
    if (ordering.waitMs !== undefined) {
      this.steps.push({ step: { wait: ordering.waitMs } });
      this.waitedMs += ordering.waitMs;
    }
    this.release(
      client,
      (meta) =>
        needs.final ||
        meta.connack === true ||
        meta.captures.some((name) => needs.variables.includes(name)) ||
        (meta.answers !== undefined && needs.replies.includes(meta.answers)) ||
        (meta.topic !== undefined &&
          (needs.filters ?? []).some((filter) => topicMatches(filter, meta.topic ?? ''))),
    );
    this.add(client, step);
    this.lastAtMs.set(client, atMs);
  }

  /** Something the broker sent the client: expected once a later step needs it. */
  expect(client: string, atMs: number, step: DataMap, meta: ExpectMeta): void {
    const gap = atMs - (this.lastAtMs.get(client) ?? this.phaseAtMs);
    if (gap > LONG_GAP_MS) {
      const timeout = Math.ceil(gap * 2 + DEFAULT_STEP_TIMEOUT_MS);
      const [kind] = Object.keys(step);
      if (kind !== undefined) step[kind] = { ...asMap(step[kind]), timeout };
      this.extraTimeoutMs += timeout;
    }
    this.lastAtMs.set(client, atMs);
    const list = this.pending.get(client) ?? [];
    list.push({ step, meta });
    this.pending.set(client, list);
  }

  /** The broker closed the connection: everything expected before, then this. */
  closed(client: string, step: DataMap): void {
    this.release(client, () => true);
    this.add(client, step);
  }

  note(client: string, text: string): void {
    const known = this.notes.get(client);
    this.notes.set(client, known === undefined ? text : `${known}\n${text}`);
  }

  /** Every step, the last phase included; notes never followed by a step of their client. */
  finish(): { steps: GeneratedStep[]; leftoverNotes: string[] } {
    this.barrier(0);
    const leftoverNotes = [...this.notes.values()];
    this.notes.clear();
    return { steps: this.steps, leftoverNotes };
  }

  /** Writes the client's pending expects that `needed` selects, in the order they came. */
  private release(client: string, needed: (meta: ExpectMeta) => boolean): void {
    const list = this.pending.get(client) ?? [];
    const keep: Pending[] = [];
    for (const entry of list) {
      if (needed(entry.meta)) this.add(client, entry.step);
      else keep.push(entry);
    }
    this.pending.set(client, keep);
  }

  private add(client: string, step: DataMap): void {
    const note = this.notes.get(client);
    this.notes.delete(client);
    const branch = this.phase.get(client) ?? [];
    branch.push({ step, ...(note !== undefined && { note }) });
    this.phase.set(client, branch);
    this.count++;
  }

  /** Ends the phase: every pending expect is written in it, then its branches become one step. */
  private barrier(atMs: number): void {
    for (const client of this.pending.keys()) this.release(client, () => true);
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
