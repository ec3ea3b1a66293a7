// Router: turns a topic name into the list of sessions to deliver to, merging overlapping
// subscriptions of one session into one delivery and picking one member per shared group.
import type { QoS } from '../../wire/types.js';
import type { Delivery, Subscription } from './subscription.js';
import { TopicTree } from './topic-tree.js';

export interface RouteOptions {
  /** Client id of the publisher (for No Local), undefined for broker-internal messages. */
  publisherId: string | undefined;
  /** Whether a session is connected now: shared groups prefer connected members. */
  isOnline: (clientId: string) => boolean;
  dollarRule: boolean;
  ignoreNoLocal: boolean;
  lowestQoSOnOverlap: boolean;
  sharedToAll: boolean;
}

export class Router {
  private readonly tree = new TopicTree();

  get size(): number {
    return this.tree.size;
  }

  add(subscription: Subscription): boolean {
    return this.tree.add(subscription);
  }

  remove(subscription: Pick<Subscription, 'clientId' | 'topicFilter' | 'shareGroup'>): boolean {
    return this.tree.remove(subscription.clientId, subscription.topicFilter, subscription.shareGroup);
  }

  route(topic: string, options: RouteOptions): Delivery[] {
    const { direct, shared } = this.tree.match(topic, options.dollarRule);
    const merged = new Map<string, Delivery>();
    for (const subscription of direct) {
      // v5 No Local: never send a message back to the connection that published it.
      if (subscription.noLocal && !options.ignoreNoLocal && subscription.clientId === options.publisherId)
        continue;
      const existing = merged.get(subscription.clientId);
      if (existing === undefined) {
        merged.set(subscription.clientId, {
          clientId: subscription.clientId,
          qos: subscription.qos,
          retainAsPublished: subscription.retainAsPublished,
          subscriptionIds: subscription.subscriptionId === undefined ? [] : [subscription.subscriptionId],
        });
        continue;
      }
      // [MQTT-3.3.5-1] [MQTT-3.3.4-2] one copy at the highest QoS of all matching subscriptions,
      // [MQTT-3.3.4-4] carrying every matching subscription identifier.
      existing.qos = pickQoS(existing.qos, subscription.qos, options.lowestQoSOnOverlap);
      existing.retainAsPublished ||= subscription.retainAsPublished;
      if (subscription.subscriptionId !== undefined)
        existing.subscriptionIds.push(subscription.subscriptionId);
    }
    const deliveries = [...merged.values()];
    for (const group of shared) {
      const members = options.sharedToAll ? [...group.members.values()] : [group.pick(options.isOnline)];
      for (const member of members) {
        if (member === undefined) continue;
        deliveries.push({
          clientId: member.clientId,
          qos: member.qos,
          retainAsPublished: member.retainAsPublished,
          subscriptionIds: member.subscriptionId === undefined ? [] : [member.subscriptionId],
        });
      }
    }
    return deliveries;
  }
}

function pickQoS(a: QoS, b: QoS, lowest: boolean): QoS {
  return lowest ? (Math.min(a, b) as QoS) : (Math.max(a, b) as QoS);
}
