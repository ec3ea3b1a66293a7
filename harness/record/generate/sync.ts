// Where order between clients matters in a recorded scenario. Each client's steps run as its own
// branch, so that a broker may order its work differently (deliver a QoS 2 message at PUBLISH or at
// PUBREL) without the replay waiting on a step that comes later in another client's list. Branches
// are joined (a barrier) only before an action that depends on another client's earlier action, and
// a `wait` follows the barrier only when nothing the broker sent proves that earlier action handled
// (a reply on that client, the delivery of what it published, its connection closing). Dependencies:
//   - a PUBLISH after a SUBSCRIBE / UNSUBSCRIBE whose filter matches its topic;
//   - a SUBSCRIBE after a retained PUBLISH (or a retained will falling due) its filter matches;
//   - a CONNECT with a client id after a CONNECT, DISCONNECT or drop of that client id (session).
// Order between messages of different publishers is not one (expects are unordered).
import { topicMatches } from '../../../wire/index.js';

/** Shortest and longest wait written (ms): long enough for a busy broker, short for long pauses. */
const MIN_WAIT_MS = 100;
const MAX_WAIT_MS = 2000;

/** What a client did, as far as other clients' later actions can depend on it. */
export type Action =
  | { kind: 'subscribe'; filters: readonly string[] }
  | { kind: 'publish'; topic: string; retain: boolean }
  | { kind: 'connect'; clientId: string; will?: { topic: string; retain: boolean } }
  | { kind: 'end'; clientId: string; will?: { topic: string; retain: boolean } }
  | { kind: 'other' };

interface Unproven {
  atMs: number;
  action: Action;
}

/** Before an action: whether the steps so far must finish first (`barrier`), and a wait after them. */
export interface Ordering {
  barrier: boolean;
  waitMs?: number;
}

/**
 * Clients' steps run as parallel branches within a phase; a new phase starts (all branches finish
 * first) when an action depends on another client's action of the current phase. When that earlier
 * action is not proven handled by anything the broker sent, a wait follows the barrier.
 */
export class SyncTracker {
  private phase = new Map<string, Action[]>();
  private readonly unproven = new Map<string, Unproven[]>();

  /** Before `client` does `action` at `atMs`. */
  before(client: string, action: Action, atMs: number): Ordering {
    let barrier = false;
    for (const [other, list] of this.phase) {
      if (other !== client && list.some((earlier) => dependsOn(action, earlier))) barrier = true;
    }
    let gap: number | undefined;
    for (const [other, list] of this.unproven) {
      if (other === client) continue;
      for (const entry of list)
        if (dependsOn(action, entry.action)) gap = Math.max(gap ?? 0, atMs - entry.atMs);
    }
    if (!barrier && gap === undefined) return { barrier: false };
    this.phase = new Map();
    if (gap === undefined) return { barrier: true };
    for (const other of [...this.unproven.keys()]) if (other !== client) this.unproven.delete(other);
    return { barrier: true, waitMs: Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, Math.round(gap))) };
  }

  acted(client: string, action: Action, atMs: number): void {
    if (action.kind === 'other') return;
    this.phase.set(client, [...(this.phase.get(client) ?? []), action]);
    this.unproven.set(client, [...(this.unproven.get(client) ?? []), { atMs, action }]);
  }

  /** The broker answered `client` (or closed its connection): what it sent before is handled. */
  answered(client: string): void {
    this.unproven.delete(client);
  }

  /** A message on `topic` was delivered: the PUBLISH (or will) it came from is handled. */
  delivered(topic: string): void {
    for (const [client, list] of this.unproven) {
      const rest = list.filter((entry) => !publishes(entry.action, topic));
      if (rest.length === 0) this.unproven.delete(client);
      else this.unproven.set(client, rest);
    }
  }
}

function publishes(action: Action, topic: string): boolean {
  if (action.kind === 'publish') return action.topic === topic;
  return (action.kind === 'end' || action.kind === 'connect') && action.will?.topic === topic;
}

function dependsOn(later: Action, earlier: Action): boolean {
  switch (later.kind) {
    case 'publish':
      return earlier.kind === 'subscribe' && earlier.filters.some((filter) => matches(filter, later.topic));
    case 'subscribe': {
      const retained =
        earlier.kind === 'publish' && earlier.retain
          ? earlier.topic
          : earlier.kind === 'end' && earlier.will?.retain === true
            ? earlier.will.topic
            : undefined;
      return retained !== undefined && later.filters.some((filter) => matches(filter, retained));
    }
    case 'connect':
      return (
        (earlier.kind === 'connect' || earlier.kind === 'end') &&
        earlier.clientId === later.clientId &&
        later.clientId !== ''
      );
    case 'end':
    case 'other':
      return false;
  }
}

function matches(filter: string, topic: string): boolean {
  return topicMatches(filter, topic);
}
