// Where a recorded scenario needs a `wait`. Steps run in order, but the broker handles each
// connection on its own: an action of one client is certainly handled before another client's next
// action only when something the broker sent proves it (a reply on that client, the delivery of what
// it published, its connection closing). A wait is written only when the later action depends on an
// earlier, unproven one of another client:
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

export class SyncTracker {
  private readonly unproven = new Map<string, Unproven[]>();

  /** Before `client` does `action` at `atMs`: the wait to write first (ms), or undefined. */
  before(client: string, action: Action, atMs: number): number | undefined {
    let gap: number | undefined;
    for (const [other, list] of this.unproven) {
      if (other === client) continue;
      for (const entry of list)
        if (dependsOn(action, entry.action)) gap = Math.max(gap ?? 0, atMs - entry.atMs);
    }
    if (gap === undefined) return undefined;
    for (const other of [...this.unproven.keys()]) if (other !== client) this.unproven.delete(other);
    return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, Math.round(gap)));
  }

  acted(client: string, action: Action, atMs: number): void {
    if (action.kind === 'other') return;
    const list = this.unproven.get(client) ?? [];
    list.push({ atMs, action });
    this.unproven.set(client, list);
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
    default:
      return false;
  }
}

function matches(filter: string, topic: string): boolean {
  return topicMatches(filter, topic);
}
