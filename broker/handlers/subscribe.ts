// SUBSCRIBE: validate and store each filter (as if each were its own packet [MQTT-3.8.4-4]),
// answer SUBACK with one code per filter in order, then send the matching retained messages.
import { ReasonCode, validateTopicFilter } from '../../wire/index.js';
import type { QoS, SubscribePacket, SubscriptionRequest } from '../../wire/types.js';
import { splitSharedFilter } from '../router/subscription.js';
import type { Subscription } from '../router/subscription.js';
import type { SubscribeContext } from './context.js';

/** 3.1.1 knows one failure return code [MQTT-3.9.3-2]. */
const FAILURE_311 = 0x80;

export function handleSubscribe(ctx: SubscribeContext, packet: SubscribePacket): void {
  const v5 = ctx.version === 5;
  const subscriptionId = packet.properties?.subscriptionIdentifier;
  const id = typeof subscriptionId === 'number' ? subscriptionId : subscriptionId?.[0];
  const reasonCodes: number[] = [];
  const retainedToSend: { subscription: Subscription; existed: boolean; request: SubscriptionRequest }[] = [];

  for (const request of packet.subscriptions) {
    const outcome = subscribeOne(ctx, request, id);
    if (typeof outcome === 'number') {
      reasonCodes.push(v5 ? outcome : FAILURE_311);
      continue;
    }
    reasonCodes.push(outcome.subscription.qos);
    retainedToSend.push({ ...outcome, request });
  }

  // [MQTT-3.8.4-1] [MQTT-3.8.4-2] SUBACK with the same packet id; [MQTT-3.9.3-1] codes in order.
  const packetId = ctx.has('wrong-suback-packet-id') ? (packet.packetId % 65535) + 1 : packet.packetId;
  const failed = v5 && reasonCodes.some((code) => code >= ReasonCode.UnspecifiedError);
  const problem = failed ? ctx.problem('one or more subscriptions were refused') : undefined;
  ctx.send({ type: 'suback', packetId, reasonCodes, ...(problem ? { properties: problem } : {}) });

  for (const { subscription, existed, request } of retainedToSend) {
    // Retained messages are not sent for shared subscriptions.
    if (subscription.shareGroup !== undefined) continue;
    const handling = ctx.has('ignore-retain-handling') ? 0 : (request.retainHandling ?? 0);
    // 5.0 [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11]; 3.1.1 [MQTT-3.3.1-6] always: every
    // matching retained message, paced by the socket, none dropped.
    if (handling === 2 || (handling === 1 && existed)) continue;
    ctx.sendRetained(subscription);
  }
}

function subscribeOne(
  ctx: SubscribeContext,
  request: SubscriptionRequest,
  subscriptionId: number | undefined,
): { subscription: Subscription; existed: boolean } | number {
  const { options } = ctx;
  const filter = request.topicFilter;
  const shared = splitSharedFilter(filter);
  if (validateTopicFilter(filter) !== undefined || (filter.startsWith('$share/') && shared === undefined)) {
    return ReasonCode.TopicFilterInvalid; // [MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.8.2-1]
  }
  const topicFilter = shared?.topicFilter ?? filter;
  if (
    Buffer.byteLength(filter) > options.maxTopicLength ||
    topicFilter.split('/').length > options.maxTopicLevels
  ) {
    return ReasonCode.TopicFilterInvalid;
  }
  if (shared !== undefined && !options.sharedSubscriptionAvailable)
    return ReasonCode.SharedSubscriptionsNotSupported;
  if (!options.wildcardSubscriptionAvailable && (topicFilter.includes('+') || topicFilter.includes('#'))) {
    return ReasonCode.WildcardSubscriptionsNotSupported; // [MQTT-3.8.3-2] (3.1.1)
  }
  if (subscriptionId !== undefined && !options.subscriptionIdentifiersAvailable)
    return ReasonCode.SubscriptionIdentifiersNotSupported;
  if (!ctx.authorizeSubscribe(filter)) return ReasonCode.NotAuthorized;

  // [MQTT-3.2.2-10] granted QoS never above the server maximum.
  const qos = (
    ctx.has('ignore-maximum-qos') ? request.qos : Math.min(request.qos, options.maximumQoS)
  ) as QoS;
  const subscription: Subscription = {
    clientId: ctx.session.clientId,
    filter,
    topicFilter,
    shareGroup: shared?.group,
    qos,
    noLocal: request.noLocal === true,
    retainAsPublished: request.retainAsPublished === true,
    retainHandling: request.retainHandling ?? 0,
    subscriptionId,
  };
  // [MQTT-3.8.4-3] an identical filter replaces the existing subscription.
  const existed = ctx.session.subscriptions.has(filter);
  ctx.router.add(subscription);
  ctx.session.subscriptions.set(filter, subscription);
  ctx.subscriptionsChanged();
  return { subscription, existed };
}
