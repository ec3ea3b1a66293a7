// Subscription tree: one node per topic level, '+' and '#' are ordinary children matched specially.
// Shared subscriptions hang off the node of their topic filter, one group per share name.
import type { Subscription } from './subscription.js';

export class SharedGroup {
  readonly members = new Map<string, Subscription>();
  private cursor = 0;
  constructor(readonly name: string) {}

  /** Round-robin over members, preferring one for which `preferred` is true. */
  pick(preferred: (clientId: string) => boolean): Subscription | undefined {
    const list = [...this.members.values()];
    if (list.length === 0) return undefined;
    for (let step = 0; step < list.length; step++) {
      const candidate = list[(this.cursor + step) % list.length];
      if (candidate !== undefined && preferred(candidate.clientId)) {
        this.cursor = (this.cursor + step + 1) % list.length;
        return candidate;
      }
    }
    const fallback = list[this.cursor % list.length];
    this.cursor = (this.cursor + 1) % list.length;
    return fallback;
  }
}

class Node {
  readonly children = new Map<string, Node>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly shared = new Map<string, SharedGroup>();
  get isEmpty(): boolean {
    return this.children.size === 0 && this.subscriptions.size === 0 && this.shared.size === 0;
  }
}

export interface MatchResult {
  direct: Subscription[];
  shared: SharedGroup[];
}

export class TopicTree {
  private readonly root = new Node();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds or replaces (same client, same filter) a subscription; returns true when it replaced one. */
  add(subscription: Subscription): boolean {
    let node = this.root;
    for (const level of subscription.topicFilter.split('/')) {
      let child = node.children.get(level);
      if (child === undefined) {
        child = new Node();
        node.children.set(level, child);
      }
      node = child;
    }
    let map = node.subscriptions;
    if (subscription.shareGroup !== undefined) {
      let group = node.shared.get(subscription.shareGroup);
      if (group === undefined) {
        group = new SharedGroup(subscription.shareGroup);
        node.shared.set(subscription.shareGroup, group);
      }
      map = group.members;
    }
    const existed = map.has(subscription.clientId);
    map.set(subscription.clientId, subscription);
    if (!existed) this.count++;
    return existed;
  }

  remove(clientId: string, topicFilter: string, shareGroup: string | undefined): boolean {
    const path: Node[] = [this.root];
    const levels = topicFilter.split('/');
    for (const level of levels) {
      const child = path[path.length - 1]?.children.get(level);
      if (child === undefined) return false;
      path.push(child);
    }
    const node = path[path.length - 1];
    if (node === undefined) return false;
    let removed: boolean;
    if (shareGroup === undefined) {
      removed = node.subscriptions.delete(clientId);
    } else {
      const group = node.shared.get(shareGroup);
      removed = group?.members.delete(clientId) ?? false;
      if (group !== undefined && group.members.size === 0) node.shared.delete(shareGroup);
    }
    if (removed) this.count--;
    // Prune empty nodes bottom-up so the tree does not keep dead levels.
    for (let i = path.length - 1; i > 0; i--) {
      const current = path[i];
      const parent = path[i - 1];
      const level = levels[i - 1];
      if (current === undefined || parent === undefined || level === undefined || !current.isEmpty) break;
      parent.children.delete(level);
    }
    return removed;
  }

  /**
   * Every subscription whose filter matches the topic name. `dollarRule` false disables
   * [MQTT-4.7.2-1] (a mutation): normally a leading wildcard never matches a '$' topic.
   */
  match(topic: string, dollarRule = true): MatchResult {
    const result: MatchResult = { direct: [], shared: [] };
    const levels = topic.split('/');
    const skipWildcardsAtRoot = dollarRule && topic.startsWith('$');
    this.walk(this.root, levels, 0, result, skipWildcardsAtRoot);
    return result;
  }

  private collect(node: Node, result: MatchResult): void {
    for (const subscription of node.subscriptions.values()) result.direct.push(subscription);
    for (const group of node.shared.values()) result.shared.push(group);
  }

  private walk(
    node: Node,
    levels: string[],
    index: number,
    result: MatchResult,
    skipWildcards: boolean,
  ): void {
    const wildcardsAllowed = !(index === 0 && skipWildcards);
    if (wildcardsAllowed) {
      // '#' matches the parent level too ('a/#' matches 'a') and everything below.
      const hash = node.children.get('#');
      if (hash !== undefined) this.collect(hash, result);
    }
    if (index === levels.length) {
      this.collect(node, result);
      return;
    }
    const level = levels[index] ?? '';
    const exact = node.children.get(level);
    if (exact !== undefined) this.walk(exact, levels, index + 1, result, skipWildcards);
    if (wildcardsAllowed) {
      const plus = node.children.get('+');
      if (plus !== undefined) this.walk(plus, levels, index + 1, result, skipWildcards);
    }
  }
}
